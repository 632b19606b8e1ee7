// zeroport scan as a hostile user or a broken pipeline would drive it: YAML that Kubernetes reads
// as an exposure is found, hostile inputs end in exit 2 naming the file, and nothing exits 3.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MAX_INPUT_BYTES } from "../../reader/input";
import { run, tempFile } from "./helpers";

const CASES = path.join(__dirname, "..", "fixtures", "yaml-semantics", "cases");
const ROOT = path.join(__dirname, "..", "..");
const mandatory = async (...argv: string[]) => {
  const r = await run("scan", "--format", "json", ...argv);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout || "[]") as { policy: string; level: string; name: string }[])
    .filter((v) => v.level === "mandatory")
    .map((v) => `${v.policy} ${v.name}`);
};

describe("what Kubernetes reads as an exposure is found", () => {
  test.each([
    ["merge-key-in-port.yaml", ["no-host-ports merge-port"]],
    ["merge-key-at-top.yaml", ["no-nodeport-services merged-top"]],
    ["merge-key-alias-list.yaml", ["no-host-ports merge-list"]],
    // hostPort 017620, 0x1F91, 0o17622, 8.083e3 and 1_0_0_0_0: one finding per port.
    ["yaml11-integers.yaml", Array(5).fill("no-host-ports integers")],
    ["tags-and-anchors.yaml", ["no-nodeport-services tagged"]],
    ["duplicate-keys.yaml", ["no-nodeport-services dup"]],
    ["multi-document.yaml", ["no-nodeport-services first"]],
    ["lb-allocate-no.yaml", []],
  ])("%s", async (file, want) => {
    expect(await mandatory(path.join(CASES, file))).toEqual(want);
  });

  test("a hostNetwork: yes pod is read as host networking", async () => {
    const r = await run("scan", "--format", "json", path.join(CASES, "yaml11-booleans.yaml"));
    expect(r.stdout).toContain("host-network");
  });

  test("a leading-zero octal hostPort is 8080, also against the allow-list", async () => {
    const config = tempFile(
      "config.json",
      JSON.stringify({ "no-host-ports": { allowedHostPorts: [8080] } }),
    );
    expect(await mandatory(path.join(CASES, "octal-allowed-port.yaml"))).toEqual([
      "no-host-ports octal",
    ]);
    expect(
      await mandatory("--config", config, path.join(CASES, "octal-allowed-port.yaml")),
    ).toEqual([]);
  });

  test("a flow sequence closed left of its items is read, as kubectl reads it", async () => {
    const r = await run("scan", path.join(CASES, "flow-seq-dedented-close.yaml"));
    expect(r.code).toBe(0);
  });
});

describe("hostile input ends in exit 2, naming the file", () => {
  test("alias amplification (billion laughs) is refused in well under a second", async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const file = tempFile(
      "laughs.yaml",
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  ${lines.join("\n  ")}\n`,
    );
    const started = Date.now();
    const r = await run("scan", file);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^zeroport: ${file}:\\d+:\\d+: document contains excessive aliasing`),
    );
  });

  test("a link to /dev/zero and a FIFO are refused without reading them", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-"));
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    execFileSync("mkfifo", [path.join(dir, "fifo.yaml")]);
    const r = await run("scan", dir);
    expect(r.code).toBe(2);
    // Each is reported; neither stops the other from being looked at.
    expect(r.stderr).toBe(
      `zeroport: ${path.join(dir, "fifo.yaml")}: not a regular file (a device, FIFO or socket)\n` +
        `zeroport: ${path.join(dir, "zero.yaml")}: not a regular file (a device, FIFO or socket)\n`,
    );
  });

  test("an input over the size limit is refused before it is read", async () => {
    const file = tempFile("huge.yaml", "");
    fs.truncateSync(file, MAX_INPUT_BYTES + 1); // sparse: nothing to write, nothing read
    const r = await run("scan", file);
    expect([r.code, r.stderr]).toEqual([2, `zeroport: ${file}: larger than 64 MiB; split it\n`]);
  });

  test("a linked directory is followed once, like a linked file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-"));
    fs.mkdirSync(path.join(dir, "real"));
    fs.copyFileSync(path.join(CASES, "merge-key-at-top.yaml"), path.join(dir, "real", "svc.yaml"));
    fs.symlinkSync(path.join(dir, "real"), path.join(dir, "linked"));
    fs.symlinkSync(dir, path.join(dir, "real", "loop"));
    expect(await mandatory(path.join(dir, "linked"))).toEqual(["no-nodeport-services merged-top"]);
  });

  test.each([
    [
      "an empty directory",
      () => [fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-"))],
      /no manifest files/,
    ],
    [
      "a file with only comments",
      () => [tempFile("empty.yaml", "# nothing\n---\n")],
      /no Kubernetes objects/,
    ],
  ])("%s says so (exit 2), never a silent pass", async (_what, args, message) => {
    const r = await run("scan", ...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("empty stdin says so (exit 2)", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "zeroport.js"), "scan", "-"], {
      input: "",
      encoding: "utf8",
    });
    expect([r.status, r.stderr]).toEqual([2, "zeroport: scan: no Kubernetes objects in -\n"]);
  });

  test.each([
    [
      "ports: [null]",
      "spec: {containers: [{name: c, ports: [null]}]}",
      "spec.containers.0.ports.0: must be a object",
    ],
    ["containers: [null]", "spec: {containers: [null]}", "spec.containers.0: must be a object"],
    ["a number where a list belongs", "spec: {containers: 5}", "spec.containers: must be a array"],
    [
      "a string port",
      'spec: {containers: [{name: c, ports: [{hostPort: "80"}]}]}',
      "spec.containers.0.ports.0.hostPort: must be a number",
    ],
  ])("%s: exit 2 with file, line and field path", async (_what, spec, message) => {
    const file = tempFile("pod.yaml", `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n${spec}\n`);
    const r = await run("scan", file);
    expect([r.code, r.stderr]).toEqual([2, `zeroport: ${file}:1: Pod p: ${message}\n`]);
  });

  test.each(["toString", "__proto__", "constructor"])(
    "kind %s is judged, not a crash",
    async (kind) => {
      const r = await run(
        "scan",
        tempFile("k.yaml", `apiVersion: v1\nkind: ${kind}\nmetadata: {name: k}\n`),
      );
      expect(r.code).toBe(0);
    },
  );

  test("an undefined alias is a syntax error with its line", async () => {
    const file = path.join(CASES, "undefined-alias.yaml");
    const r = await run("scan", file);
    expect([r.code, r.stderr]).toEqual([
      2,
      `zeroport: ${file}:4:7: unknown anchor 'missing' referenced\n`,
    ]);
  });

  test("stack-config and render of names Object.prototype has are usage errors", async () => {
    expect((await run("stack-config", "toString")).code).toBe(2);
    expect((await run("render", "constructor")).code).toBe(2);
  });
});
