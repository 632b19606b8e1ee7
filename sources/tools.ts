/**
 * The rendering tools the scan drives (helm, kustomize): found on PATH, their versions checked
 * against a floor, and run with bounded time and output.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, parseVersion as parseTag } from "../base/versions";

export interface Tool {
  name: "helm" | "kustomize";
  /** The oldest release whose flags and output the scan relies on. */
  floor: string;
  versionArgs: string[];
}

export const HELM: Tool = {
  name: "helm",
  floor: "3.14.0",
  versionArgs: ["version", "--template", "{{.Version}}"],
};
export const KUSTOMIZE: Tool = { name: "kustomize", floor: "5.0.0", versionArgs: ["version"] };

/** Why a tool cannot be used, as one sentence naming what to install. */
export type ToolProblem = string;

export interface Located {
  path: string;
  version: string;
}

/** The executable on PATH, or undefined. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** "v4.3.2", "{Version:kustomize/v5.8.1 …}" or "v5.8.1" → [4, 3, 2]. */
export function parseVersion(text: string): number[] | undefined {
  const token = /v?\d+\.\d+\.\d+/.exec(text)?.[0];
  return token === undefined ? undefined : parseTag(token)?.slice(0, 3);
}

/** The tool, or why it cannot be used. */
export function locate(tool: Tool, env: NodeJS.ProcessEnv = process.env): Located | ToolProblem {
  const install = `install ${tool.name} v${tool.floor} or later on PATH`;
  const file = onPath(tool.name, env);
  if (!file) return `${tool.name} is not on PATH: ${install}`;
  const r = spawnSync(file, tool.versionArgs, { encoding: "utf8", timeout: 30_000, env });
  const version = parseVersion(`${r.stdout ?? ""}`);
  if (r.status !== 0 || !version)
    return `${tool.name} at ${file} did not report its version: ${install}`;
  if (before(version, parseTag(tool.floor) ?? []))
    return `${tool.name} at ${file} is v${version.join(".")}, older than v${tool.floor}: ${install}`;
  return { path: file, version: `v${version.join(".")}` };
}

export interface Bounds {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_BOUNDS: Bounds = { timeoutMs: 120_000, maxBytes: 64 * 1024 * 1024 };

/** Runs a tool; its output, or the reason it failed (its own last words on stderr included). */
export function runBounded(
  file: string,
  args: string[],
  cwd: string,
  bounds: Bounds,
  env: NodeJS.ProcessEnv = process.env,
): { output: string; ms: number } | { error: string } {
  const started = Date.now();
  const r = spawnSync(file, args, {
    cwd,
    env,
    encoding: "utf8",
    timeout: bounds.timeoutMs,
    maxBuffer: bounds.maxBytes,
    killSignal: "SIGKILL",
  });
  const ms = Date.now() - started;
  const name = path.basename(file);
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === "ETIMEDOUT")
      return { error: `${name} took longer than ${bounds.timeoutMs / 1000} s` };
    if (code === "ENOBUFS") return { error: `${name} wrote more than ${bounds.maxBytes} bytes` };
    return { error: `${name} could not run (${code ?? r.error.message})` };
  }
  if (r.status !== 0) {
    const said = `${r.stderr ?? ""}`.trim().split("\n").slice(-3).join(" ").slice(0, 500);
    return { error: `${name} failed (exit ${r.status ?? r.signal}): ${said}` };
  }
  return { output: r.stdout, ms };
}
