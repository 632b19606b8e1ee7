import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_BOUNDS, HELM, locate, parseVersion, runBounded } from "../../sources/tools";

/** A directory holding one executable script, to stand for a tool on PATH. */
function pathWith(name: string, script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-tools-"));
  fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

test("versions as helm and kustomize print them", () => {
  expect(parseVersion("v4.3.2")).toEqual([4, 3, 2]);
  expect(parseVersion("{Version:kustomize/v5.8.1 GitCommit:x}")).toEqual([5, 8, 1]);
  expect(parseVersion("unknown")).toBeUndefined();
});

test("a missing, silent or too old tool is refused with what to install", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-tools-"));
  expect(locate(HELM, { PATH: empty })).toBe(
    "helm is not on PATH: install helm v3.14.0 or later on PATH",
  );
  const old = pathWith("helm", "echo v3.12.0");
  expect(locate(HELM, { PATH: old })).toBe(
    `helm at ${path.join(old, "helm")} is v3.12.0, older than v3.14.0: install helm v3.14.0 or later on PATH`,
  );
  const silent = pathWith("helm", "exit 3");
  expect(locate(HELM, { PATH: silent })).toContain("did not report its version");
  const ok = pathWith("helm", "echo v4.3.2");
  expect(locate(HELM, { PATH: ok })).toEqual({ path: path.join(ok, "helm"), version: "v4.3.2" });
});

test("a run is bounded in time and output, and a failure keeps the tool's last words", () => {
  const dir = pathWith("slow", "sleep 30");
  expect(
    runBounded(path.join(dir, "slow"), [], dir, { ...DEFAULT_BOUNDS, timeoutMs: 300 }),
  ).toEqual({
    error: "slow took longer than 0.3 s",
  });
  const loud = pathWith("loud", "yes kind: x | head -c 100000");
  expect(
    runBounded(path.join(loud, "loud"), [], loud, { ...DEFAULT_BOUNDS, maxBytes: 1000 }),
  ).toEqual({
    error: "loud wrote more than 1000 bytes",
  });
  const failing = pathWith("bad", "echo 'Error: chart not found' >&2; exit 1");
  expect(runBounded(path.join(failing, "bad"), [], failing, DEFAULT_BOUNDS)).toEqual({
    error: "bad failed (exit 1): Error: chart not found",
  });
});
