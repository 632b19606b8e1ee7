// File encodings as kubectl decodes them (cli-runtime's FileVisitor: BOMOverride over UTF-8).
import * as fs from "node:fs";
import { decodeAsKubectl } from "../../reader/input";
import { readStream } from "../../reader/kube-stream";
import { run, tempFile } from "../cli/helpers";

const TEXT =
  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
const utf16 = (text: string, order: "le" | "be", bom = true) => {
  const le = Buffer.from(text, "utf16le");
  const bytes = order === "le" ? le : Buffer.from(le.map((_, i) => le[i ^ 1] ?? 0));
  return Buffer.concat([
    bom ? Buffer.from(order === "le" ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0),
    bytes,
  ]);
};

describe("decodeAsKubectl", () => {
  test.each([
    ["UTF-8", Buffer.from(TEXT)],
    ["UTF-8 with a BOM", Buffer.from(`\ufeff${TEXT}`)],
    ["UTF-16LE with a BOM", utf16(TEXT, "le")],
    ["UTF-16BE with a BOM", utf16(TEXT, "be")],
  ])("%s: the text kubectl reads", (_, bytes) => {
    expect(decodeAsKubectl(bytes)).toBe(TEXT);
  });

  test("one BOM is dropped; a second is a character, as BOMOverride leaves it", () => {
    expect(decodeAsKubectl(utf16(`\ufeff${TEXT}`, "le"))).toBe(`\ufeff${TEXT}`);
    expect(decodeAsKubectl(Buffer.from(`\ufeff\ufeff${TEXT}`))).toBe(`\ufeff${TEXT}`);
  });

  test("UTF-16 without a BOM is not UTF-16 to kubectl: it stays bytes read as UTF-8", () => {
    expect(decodeAsKubectl(utf16(TEXT, "le", false))).toBe(
      Buffer.from(TEXT, "utf16le").toString("utf8"),
    );
  });

  test("a lone surrogate or an odd last byte becomes U+FFFD", () => {
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0x00, 0xd8, 0x41, 0x00, 0x42]),
    ]);
    expect(decodeAsKubectl(lone)).toBe("\ufffdA\ufffd");
  });
});

describe("zeroport scan reads UTF-16 manifests (they were skipped as not Kubernetes manifests)", () => {
  test.each(["le", "be"] as const)("UTF-16%s: the NodePort is found, exit 1", async (order) => {
    const file = tempFile("svc.yaml", "");
    fs.writeFileSync(file, utf16(TEXT, order));
    const r = await run("scan", "--format", "json", file);
    expect(r.code).toBe(1);
    expect(
      (JSON.parse(r.stdout) as { policy: string; name: string }[]).map((v) => [v.policy, v.name]),
    ).toEqual([
      ["no-nodeport-services", "web"],
      ["zero-exposure", "web"],
    ]);
  });
});

describe("after a UTF-8 BOM, bytes pass to go-yaml as they are (transform.Nop)", () => {
  test("a malformed byte is kept, so the reader refuses it, and JSON reads it as U+FFFD", () => {
    const bytes = Buffer.concat([
      Buffer.from("\ufeffkind: r\na: {"),
      Buffer.from([0xfe]),
      Buffer.from(": 1}\n"),
    ]);
    expect(decodeAsKubectl(bytes)).toBe("kind: r\na: {\udcfe: 1}\n");
    expect(() => readStream(decodeAsKubectl(bytes))).toThrow("invalid UTF-8");
    const json = Buffer.concat([
      Buffer.from('\ufeff{"kind": "r", "a": "'),
      Buffer.from([0xe2, 0x80]),
      Buffer.from('"}'),
    ]);
    expect(readStream(decodeAsKubectl(json))[0]?.value).toEqual({ kind: "r", a: "\ufffd\ufffd" });
    // Without the BOM, x/text's UTF-8 decoder replaces the maximal subpart, as Node does.
    expect(decodeAsKubectl(Buffer.from([0x61, 0xe2, 0x80, 0x62]))).toBe("a\ufffdb");
  });
});
