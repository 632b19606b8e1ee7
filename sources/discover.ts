/**
 * Where the scan's manifests come from: plain manifest files, Helm charts (a directory with
 * Chart.yaml) and kustomizations (a directory with kustomization.yaml), found below the paths a
 * user names. A chart is rendered whole, so nothing inside it is read as a plain manifest (its
 * templates are not YAML until rendered); nor is anything inside a kustomization's directory,
 * whose patches are fragments that the rendering applies (unless kustomize is missing: then the
 * directory's own files are read as they are, as before kustomizations were rendered).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../reader/input";

export type Source =
  | { kind: "file"; path: string }
  | { kind: "chart"; dir: string }
  | {
      kind: "kustomization";
      dir: string;
      file: string;
      /** The manifest files below it (not below a nested one), read as plain when kustomize is missing. */
      plainFiles: string[];
    };

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false; // A broken link named *.yaml is then reported by the read.
  }
}

const isChart = (dir: string) => isFile(path.join(dir, "Chart.yaml"));
const kustomizationIn = (dir: string) =>
  KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find(isFile);

/** The chart a file belongs to: the nearest directory above it with Chart.yaml. */
function chartAbove(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (isChart(dir)) return path.relative(process.cwd(), dir) || ".";
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** One named file: a plain manifest, or a part of the chart or kustomization it belongs to. */
function sourceOfFile(file: string): Source {
  const chart = chartAbove(file);
  if (chart !== undefined) return { kind: "chart", dir: chart };
  const dir = path.dirname(file);
  const kustomization = kustomizationIn(dir);
  if (kustomization) return { kind: "kustomization", dir, file: kustomization, plainFiles: [file] };
  return { kind: "file", path: file };
}

/**
 * The sources for one argument: `-`, a file, or everything below a directory. Symbolic links
 * are followed, to files and to directories alike; a directory reached twice (a link loop) is
 * read once. A directory that cannot be listed is an error, never skipped.
 */
type KustomizationSource = Extract<Source, { kind: "kustomization" }>;

export function findSources(
  input: string,
  seen = new Set<string>(),
  owner?: KustomizationSource,
): Source[] {
  if (input === "-") return [{ kind: "file", path: "-" }];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError([
      `${input}: ${code === "ENOENT" ? "no such file or directory (or a broken link)" : `cannot read (${code ?? "error"})`}`,
    ]);
  }
  if (!stat.isDirectory()) return [sourceOfFile(input)];
  const real = fs.realpathSync(input);
  if (seen.has(real)) return [];
  seen.add(real);
  if (isChart(input)) return [{ kind: "chart", dir: input }];
  const out: Source[] = [];
  const file = kustomizationIn(input);
  // Files below a kustomization belong to the nearest one: read only when kustomize is missing.
  const own: KustomizationSource | undefined = file
    ? { kind: "kustomization", dir: input, file, plainFiles: [] }
    : undefined;
  if (own) out.push(own);
  const holder = own ?? owner;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(input, { withFileTypes: true });
  } catch (e) {
    throw new UsageError([
      `${input}: cannot list (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    ]);
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(input, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(full));
    if (isDir) out.push(...findSources(full, seen, holder));
    else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      if (holder) holder.plainFiles.push(full);
      else out.push({ kind: "file", path: full });
    }
  }
  return out;
}

/** Every source the arguments name, each once. */
export function sourcesOf(inputs: readonly string[]): Source[] {
  const seen = new Set<string>();
  const keys = new Set<string>();
  return inputs
    .flatMap((i) => findSources(i, seen))
    .filter((s) => {
      const key = `${s.kind}:${path.resolve(s.kind === "file" ? s.path : s.dir)}`;
      if (s.kind === "file" && s.path === "-") return true;
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    });
}
