import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs as parseArgv } from "node:util";
import { PackConfigSchema, type PackConfig } from "../policy/config";
import { judgeObject } from "../policy/judge";
import { describe, type KubeObject } from "../policy/model";
import { issuesFromZod } from "../components/core/issues";
import { UsageError, readDocuments, readMapping, readText } from "./documents";
import { flattenLists, readStream, StreamError } from "./kube-stream";
import { clusterObjects } from "./cluster-scan";
import { parseTimeout } from "./kube-get";
import { shapeProblems } from "./object-shape";
import { FAIL_ON, SCAN_FORMATS, fails, report, type ScanVerdict } from "./scan-report";

export { isBlocking, type ScanVerdict } from "./scan-report";

/** A Kubernetes object read from a file: which file, its position among the file's objects, and its YAML document. */
export interface SourcedObject {
  obj: KubeObject;
  file: string;
  index: number;
  doc: number;
  /** The line its YAML document starts on. */
  line: number;
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/**
 * The files to read for one argument: a file, `-`, or every manifest file below a directory.
 * Symbolic links are followed, to files and to directories alike; a directory reached twice (a
 * link loop) is read once. A directory that cannot be listed is an error, never skipped.
 */
export function expandInput(input: string, seen = new Set<string>()): string[] {
  if (input === "-") return ["-"];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError([
      `${input}: ${code === "ENOENT" ? "no such file or directory (or a broken link)" : `cannot read (${code ?? "error"})`}`,
    ]);
  }
  if (!stat.isDirectory()) return [input];
  const real = fs.realpathSync(input);
  if (seen.has(real)) return [];
  seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(input, { withFileTypes: true });
  } catch (e) {
    throw new UsageError([
      `${input}: cannot list (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    ]);
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(input, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(full));
    if (isDir) out.push(...expandInput(full, seen));
    else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false; // A broken link named *.yaml is then reported by the read.
  }
}

/**
 * The Kubernetes objects in one file's text, as kubectl reads them (cli/kube-stream.ts): every
 * document of a YAML or JSON stream, the items of anything with `items` (a List or not), the
 * elements of a JSON array (`zeroport render --format json`), and the object inside an
 * AdmissionReview. A document that is not an object with a `kind` is malformed input.
 */
export function objectsIn(text: string, file: string): SourcedObject[] {
  const docs = readDocuments(text, file);
  const out: SourcedObject[] = [];
  let index = 0;
  const add = (value: unknown, doc: number, line: number) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((v) => add(v, doc, line));
      return;
    }
    const obj = value as Record<string, unknown>;
    if (typeof value !== "object" || typeof obj.kind !== "string" || obj.kind === "") {
      throw new UsageError([
        `${file}:${line}: document ${doc} is not a Kubernetes object (no \`kind\`)`,
      ]);
    }
    const review = obj.request as { object?: unknown } | undefined;
    if (obj.kind === "AdmissionReview" && review?.object) {
      add(review.object, doc, line);
      return;
    }
    const problems = shapeProblems(obj);
    if (problems.length > 0) {
      const name = describe(obj as KubeObject);
      throw new UsageError(problems.map((p) => `${file}:${line}: ${name}: ${p}`));
    }
    out.push({ obj: obj as KubeObject, file, index, doc, line });
    index += 1;
  };
  docs.forEach(({ value, line }, doc) => {
    let objects: unknown[];
    try {
      objects = Array.isArray(value) ? [value] : flattenLists(value);
    } catch (e) {
      if (e instanceof StreamError) throw new UsageError([`${file}:${line}: ${e.message}`]);
      throw e;
    }
    objects.forEach((o) => add(o, doc, line));
  });
  return out;
}

/** Validates a pack config (the `--policy-pack-config` format); problems name their paths. */
export function readPackConfig(file: string): PackConfig {
  const result = PackConfigSchema.safeParse(readMapping(file));
  if (!result.success) {
    throw new UsageError(
      issuesFromZod(result.error, PackConfigSchema).map(
        (i) => `${file}: ${i.path || "(root)"}: ${i.reason}`,
      ),
    );
  }
  return result.data;
}

/** Judges every object with every enabled policy. */
export function scanObjects(objects: readonly SourcedObject[], config: PackConfig): ScanVerdict[] {
  return objects.flatMap(({ obj, file, index, line }) =>
    judgeObject(obj, config).map((v) => ({
      policy: v.policy,
      level: v.level,
      kind: obj.kind,
      namespace: obj.metadata?.namespace ?? null,
      name: obj.metadata?.name ?? null,
      message: v.message,
      file,
      line,
      index,
    })),
  );
}

/**
 * `zeroport scan [--format text|json|sarif|junit] [--fail-on mandatory|advisory|none]
 * [--config FILE] FILE|DIR|- …`; returns the exit code (1 when a verdict at the --fail-on level
 * is found).
 */
export async function scan(
  args: string[],
  io: { out(t: string): void; err(t: string): void },
  stdin?: () => string,
): Promise<number> {
  const { values, positionals } = parseArgv({
    args,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      config: { type: "string" },
      "fail-on": { type: "string" },
      cluster: { type: "boolean" },
      context: { type: "string" },
      namespace: { type: "string" },
      kubeconfig: { type: "string" },
      "request-timeout": { type: "string" },
    },
  });
  const format = flagChoice("format", values.format, SCAN_FORMATS, "text");
  const failOn = flagChoice("fail-on", values["fail-on"], FAIL_ON, "mandatory");
  if (values.cluster && positionals.length > 0)
    throw new UsageError(["scan: --cluster reads the cluster; name no FILE, DIR or - with it"]);
  const clusterFlags = ["context", "namespace", "kubeconfig", "request-timeout"] as const;
  if (!values.cluster && clusterFlags.some((f) => values[f] !== undefined))
    throw new UsageError([
      "scan: --context, --namespace, --kubeconfig and --request-timeout go with --cluster",
    ]);
  if (!values.cluster && positionals.length === 0)
    throw new UsageError(["scan: name at least one FILE, DIR or - (stdin), or --cluster"]);
  const config = values.config !== undefined ? readPackConfig(values.config) : {};
  const input: InputRead = values.cluster
    ? {
        objects: await clusterObjects({
          context: values.context,
          namespace: values.namespace,
          kubeconfig: values.kubeconfig,
          timeoutMs:
            values["request-timeout"] === undefined
              ? undefined
              : parseTimeout(values["request-timeout"]),
        }),
        skipped: [],
        problems: [],
      }
    : readObjects(positionals, stdin);
  const { objects, skipped, problems } = input;
  const verdicts = scanObjects(objects, config);
  const judged = objects.map((o) => ({
    file: o.file,
    index: o.index,
    kind: o.obj.kind,
    name: describe(o.obj).slice(o.obj.kind.length + 1),
  }));
  io.out(report(format, verdicts, judged, version(), { skipped: skipped.length, problems }));
  // Input that could not be read leaves the verdict incomplete: that is exit 2, whatever was found.
  for (const line of problems) io.err(`zeroport: ${line}\n`);
  if (problems.length > 0) return 2;
  return fails(verdicts, failOn) ? 1 : 0;
}

/** A flag's value from its fixed choices, `fallback` when unset. */
function flagChoice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  const chosen = value ?? fallback;
  if (!(choices as readonly string[]).includes(chosen))
    throw new UsageError([
      `--${flag}: must be ${choices.join(", ")} (got ${JSON.stringify(value)})`,
    ]);
  return chosen as T;
}

/** What the inputs held: objects to judge, files that are not manifests, files that failed. */
interface InputRead {
  objects: SourcedObject[];
  /** Files that hold YAML or JSON but no Kubernetes object (package.json, values.yaml …). */
  skipped: string[];
  /** One line per file that could not be read or parsed, or holds a malformed object. */
  problems: string[];
}

/** True when a document (or an element of a JSON array) is an object with a `kind`. */
function hasKind(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasKind);
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === "string"
  );
}

/**
 * What a file holds: no document at all (empty, or only comments), documents none of which is a
 * Kubernetes object (not a manifest), or a manifest (or something unreadable, reported as such).
 */
function contentOf(text: string): "empty" | "other" | "manifest" {
  try {
    const docs = readStream(text);
    if (docs.length === 0) return "empty";
    return docs.some((d) => hasKind(d.value)) ? "manifest" : "other";
  } catch {
    return "manifest"; // Unreadable: judged, so that the problem is reported.
  }
}

/**
 * The objects of every file the arguments name. A file that is not a manifest is skipped and
 * counted; one that cannot be read is a problem, and every other file is still read. Nothing to
 * read at all (no files, an empty stream) is a usage error: an empty render must never pass.
 */
function readObjects(positionals: string[], stdin?: () => string): InputRead {
  const files = positionals.flatMap((p) => expandInput(p));
  if (files.length === 0)
    throw new UsageError([
      `scan: no manifest files (*.yaml, *.yml, *.json) in ${positionals.join(", ")}`,
    ]);
  const read: InputRead = { objects: [], skipped: [], problems: [] };
  let documents = 0;
  for (const file of files) {
    try {
      const text = readText(file, stdin);
      const content = contentOf(text);
      if (content === "empty") continue;
      documents += 1;
      if (content === "other") {
        read.skipped.push(file);
        continue;
      }
      read.objects.push(...objectsIn(text, file));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      documents += 1;
      read.problems.push(...e.lines);
    }
  }
  // An empty render (a broken pipeline) must not pass as "nothing exposed".
  if (documents === 0)
    throw new UsageError([`scan: no Kubernetes objects in ${positionals.join(", ")}`]);
  return read;
}

/** The package version, from source (cli/) or compiled (dist/cli/) alike. */
function version(): string {
  for (const up of [[".."], ["..", ".."]]) {
    try {
      const pkg = JSON.parse(
        fs.readFileSync(path.join(__dirname, ...up, "package.json"), "utf8"),
      ) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "zeroport" && pkg.version) return pkg.version;
    } catch {
      // Not here; try the next level up.
    }
  }
  return "unknown";
}
