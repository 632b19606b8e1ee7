// zeroport reads YAML as Kubernetes does: each case in test/fixtures/yaml-semantics/cases was
// decoded by the real decoder (k8s.io/apimachinery's YAML reader and sigs.k8s.io/yaml v1.6.0, as
// Kubernetes 1.36.1 builds them; see the README there), and zeroport's reading must equal it.
import * as fs from "node:fs";
import * as path from "node:path";
import { resolve } from "../../reader/goyaml";
import { StreamError, readStream } from "../../reader/kube-stream";

/** The documents of a stream, as the old reader returned them. */
const readKubeYaml = (text: string) => readStream(text).map((d) => d.value);

/** The number go-yaml v2 resolves a plain scalar to, or undefined when it is no number. */
function goYamlNumber(text: string): number | undefined {
  const [tag, value] = resolve("", text);
  return tag.endsWith(":int") || tag.endsWith(":float") ? (value as number) : undefined;
}

const DIR = path.join(__dirname, "..", "fixtures", "yaml-semantics");
const expected = JSON.parse(fs.readFileSync(path.join(DIR, "expected.json"), "utf8")) as Record<
  string,
  { documents?: unknown[]; error?: string }
>;

describe("conformance with the Kubernetes decoder", () => {
  test("every case has a recorded verdict", () => {
    expect(fs.readdirSync(path.join(DIR, "cases")).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(Object.entries(expected))("%s", (file, want) => {
    const text = fs.readFileSync(path.join(DIR, "cases", file), "utf8");
    if (want.error !== undefined) {
      expect(() => readKubeYaml(text)).toThrow(StreamError);
      return;
    }
    expect(readKubeYaml(text)).toEqual(want.documents);
  });
});

describe("go-yaml v2 number resolution", () => {
  test.each([
    ["8080", 8080],
    ["017620", 8080],
    ["0o17620", 8080],
    ["0x1F90", 8080],
    ["0b1111110010000", 8080],
    ["8_080", 8080],
    ["+8080", 8080],
    ["-1", -1],
    ["08", 8],
    ["1.10", 1.1],
    ["8.08e3", 8080],
    ["190:20:30", undefined],
    ["2001-12-14", undefined],
    ["0x", undefined],
    ["abc", undefined],
    ["toString", undefined],
    ["__proto__", undefined],
    [".inf", Infinity],
  ])("%s", (text, value) => {
    expect(goYamlNumber(text)).toBe(value);
  });
});

describe("bounded work", () => {
  test("alias amplification is refused quickly", () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    const started = Date.now();
    expect(() => readKubeYaml(lines.join("\n"))).toThrow(/excessive aliasing/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("ordinary aliases within the limit are read", () => {
    expect(readKubeYaml("a: &x {b: 1}\nc: *x\n")).toEqual([{ a: { b: 1 }, c: { b: 1 } }]);
  });
});
