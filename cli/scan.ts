import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs as parseArgv } from "node:util";
import { PackConfigSchema, type PackConfig } from "../policy/config";
import { judgeObject } from "../policy/judge";
import type { EnforcementLevel, KubeObject } from "../policy/model";
import { issuesFromZod } from "../components/core/issues";
import { UsageError, loadDocuments, parseDocuments, readMapping, readText } from "./documents";

/** One verdict, as `zeroport scan --format json` prints it. */
export interface ScanVerdict {
  policy: string;
  level: EnforcementLevel;
  kind: string;
  namespace: string | null;
  name: string | null;
  message: string;
  file: string;
  index: number;
}

/** A Kubernetes object read from a file: which file, its position among the file's objects, and its YAML document. */
export interface SourcedObject {
  obj: KubeObject;
  file: string;
  index: number;
  doc: number;
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** The files to read for one argument: a file, `-`, or every manifest file below a directory. */
export function expandInput(input: string): string[] {
  if (input === "-") return ["-"];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new UsageError([`${input}: no such file or directory`]);
  }
  if (!stat.isDirectory()) return [input];
  const out: string[] = [];
  for (const entry of fs
    .readdirSync(input, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(input, entry.name);
    if (entry.isDirectory()) out.push(...expandInput(full));
    else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

/**
 * The Kubernetes objects in one file's text: every document, the items of a `List` or of a JSON
 * array, and the object inside an AdmissionReview. A document that is not an object with a
 * `kind` is malformed input.
 */
export function objectsIn(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  const docs = loadDocuments(text, file);
  // Lines are only needed for messages, so the slow parser that knows them runs only then.
  const lineOf = (doc: number) => parseDocuments(text, file)[doc]?.line ?? 1;
  let index = 0;
  const add = (value: unknown, doc: number) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((v) => add(v, doc));
      return;
    }
    const obj = value as Record<string, unknown>;
    if (typeof value !== "object" || typeof obj.kind !== "string") {
      throw new UsageError([
        `${file}:${lineOf(doc)}: document ${doc} is not a Kubernetes object (no \`kind\`)`,
      ]);
    }
    if (obj.kind.endsWith("List") && Array.isArray(obj.items)) {
      (obj.items as unknown[]).forEach((v) => add(v, doc));
      return;
    }
    const review = obj.request as { object?: unknown } | undefined;
    if (obj.kind === "AdmissionReview" && review?.object) {
      add(review.object, doc);
      return;
    }
    out.push({ obj: obj as KubeObject, file, index, doc });
    index += 1;
  };
  docs.forEach((value, doc) => add(value, doc));
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
  return objects.flatMap(({ obj, file, index }) =>
    judgeObject(obj, config).map((v) => ({
      policy: v.policy,
      level: v.level,
      kind: obj.kind,
      namespace: obj.metadata?.namespace ?? null,
      name: obj.metadata?.name ?? null,
      message: v.message,
      file,
      index,
    })),
  );
}

/** Mandatory and remediate verdicts block: a scan cannot remediate, so it reports them as failures. */
export function isBlocking(v: Pick<ScanVerdict, "level">): boolean {
  return v.level === "mandatory" || v.level === "remediate";
}

function formatText(verdicts: readonly ScanVerdict[], objects: number): string {
  const lines = verdicts.map((v) => `${v.file}#${v.index}: ${v.level}: ${v.policy}: ${v.message}`);
  const blocking = verdicts.filter(isBlocking).length;
  lines.push(
    `${objects} object(s) judged: ${blocking} mandatory violation(s), ${verdicts.length - blocking} advisory finding(s)`,
  );
  return `${lines.join("\n")}\n`;
}

/** `zeroport scan [--format text|json] [--config FILE] FILE|DIR|- …`; returns the exit code. */
export function scan(args: string[], io: { out(t: string): void }, stdin?: () => string): number {
  const { values, positionals } = parseArgv({
    args,
    allowPositionals: true,
    options: { format: { type: "string" }, config: { type: "string" } },
  });
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UsageError([`--format: must be text or json (got ${JSON.stringify(format)})`]);
  }
  if (positionals.length === 0)
    throw new UsageError(["scan: name at least one FILE, DIR or - (stdin)"]);
  const config = values.config !== undefined ? readPackConfig(values.config) : {};
  const objects = positionals
    .flatMap(expandInput)
    .flatMap((file) => objectsIn(readText(file, stdin), file));
  const verdicts = scanObjects(objects, config);
  io.out(
    format === "json"
      ? `${JSON.stringify(verdicts, null, 2)}\n`
      : formatText(verdicts, objects.length),
  );
  return verdicts.some(isBlocking) ? 1 : 0;
}
