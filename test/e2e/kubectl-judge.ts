/**
 * kubectl's reading as the judge of zeroport's: files read by kubectl-reader (k8s.io/cli-runtime,
 * built by build-tools.sh) and by zeroport's reader, and whether the two agree.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodeAsKubectl } from "../../reader/input";
import { readObjects } from "../../reader/kube-objects";
import { BIN } from "./cluster";

export interface Reading {
  objects: unknown[];
  errors?: string[];
}

/** kubectl's reading of each file, keyed by file name, in batches the command line can hold. */
export function kubectlReadings(files: readonly string[]): Record<string, Reading> {
  const out: Record<string, Reading> = {};
  for (let i = 0; i < files.length; i += 500)
    Object.assign(
      out,
      JSON.parse(
        execFileSync(path.join(BIN, "kubectl-reader"), files.slice(i, i + 500), {
          encoding: "utf8",
          maxBuffer: 1 << 28,
        }),
      ) as Record<string, Reading>,
    );
  return out;
}

/** zeroport's reading of a file's bytes: the objects `zeroport scan` would judge, or its error. */
export function zeroportReading(bytes: Buffer): Reading {
  try {
    return { objects: readObjects(decodeAsKubectl(bytes)) };
  } catch (e) {
    return { objects: [], errors: [(e as Error).message] };
  }
}

/** Deep equality of two JSON values, without recursion (seeds nest 9,999 levels deep). */
export function sameJson(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop() as [unknown, unknown];
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const xs = x as Record<string, unknown>;
    const ys = y as Record<string, unknown>;
    const keys = Object.keys(xs);
    if (keys.length !== Object.keys(ys).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(ys, k)) return false;
      stack.push([xs[k], ys[k]]);
    }
  }
  return true;
}

const failed = (r: Reading) => (r.errors ?? []).length > 0;

/** "refused" when both refuse, "read" when both read the same objects, otherwise "differ". */
export function verdict(k: Reading, z: Reading): "refused" | "read" | "differ" {
  if (failed(k) && failed(z)) return "refused";
  return !failed(k) && !failed(z) && sameJson(k.objects, z.objects) ? "read" : "differ";
}

/** A reading for a failure message (a value too deep to print says so). */
export function shown(v: unknown): string {
  try {
    return JSON.stringify(v).slice(0, 2000);
  } catch {
    return "(too deeply nested to print)";
  }
}

/** One line saying how the two sides read a file. */
export function describeDifference(k: Reading, z: Reading): string {
  const side = (r: Reading) =>
    failed(r) ? `refuses (${(r.errors ?? []).join("; ").slice(0, 300)})` : shown(r.objects);
  return `kubectl ${side(k)}; zeroport ${side(z)}`;
}

/** Writes byte contents to numbered files in a new temporary directory. */
export function writeFiles(
  prefix: string,
  contents: readonly Buffer[],
): { dir: string; files: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const files = contents.map((bytes, i) => {
    const f = path.join(dir, `${String(i).padStart(5, "0")}.yaml`);
    fs.writeFileSync(f, bytes);
    return f;
  });
  return { dir, files };
}
