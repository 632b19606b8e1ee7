/**
 * The files `zeroport scan` reads, judged one document at a time: a directory is walked for
 * manifest files, each file is read as kubectl reads it (reader/kube-stream.ts), and each object is
 * judged as soon as it is read, so a stream of 100,000 manifests is never held whole. A file
 * with no Kubernetes object is skipped and counted; one that cannot be read is a problem, and
 * every other file is still judged.
 */
import { describe, type KubeObject } from "../policy/model";
import { UsageError, readText } from "../reader/input";
import { kubectlObjects } from "../reader/kube-objects";
import { StreamError, streamDocuments, type StreamDocument } from "../reader/kube-stream";
import { sourcesOf } from "../sources/discover";
import { shapeProblems } from "./object-shape";
import { DEFAULT_RENDERING, judgeRendered, type RenderOptions } from "./scan-render";
import type { ScanVerdict } from "./scan-report";
import type { SourcedObject } from "./scan";

/**
 * The Kubernetes objects of one decoded document, as kubectl sends them: the items of anything
 * with `items` (a List or not), the elements of a JSON array (`zeroport render --format json`),
 * the object inside an AdmissionReview. Anything that is not an object with a `kind` is malformed.
 */
function documentObjects(value: unknown, file: string, doc: number, line: number): KubeObject[] {
  const out: KubeObject[] = [];
  const add = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      v.forEach(add);
      return;
    }
    const obj = v as Record<string, unknown>;
    if (typeof v !== "object" || typeof obj.kind !== "string" || obj.kind === "") {
      throw new UsageError([
        `${file}:${line}: document ${doc} is not a Kubernetes object (no \`kind\`)`,
      ]);
    }
    const review = obj.request as { object?: unknown } | undefined;
    if (obj.kind === "AdmissionReview" && review?.object) {
      add(review.object);
      return;
    }
    const problems = shapeProblems(obj);
    if (problems.length > 0) {
      const name = describe(obj as KubeObject);
      throw new UsageError(problems.map((p) => `${file}:${line}: ${name}: ${p}`));
    }
    out.push(obj as KubeObject);
  };
  let objects: unknown[];
  try {
    objects = Array.isArray(value) ? [value] : kubectlObjects(value);
  } catch (e) {
    if (e instanceof StreamError) throw new UsageError([`${file}:${line}: ${e.message}`]);
    throw e;
  }
  objects.forEach(add);
  return out;
}

/** Every document of one file's text, as kubectl reads it; a syntax error names file and line. */
function* fileDocuments(text: string, file: string): Generator<StreamDocument> {
  try {
    yield* streamDocuments(text);
  } catch (e) {
    if (e instanceof StreamError)
      throw new UsageError([`${file}:${e.line}:${e.column}: ${e.message}`]);
    throw e;
  }
}

/** The Kubernetes objects in one file's text, in order (see documentObjects). */
export function objectsIn(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  let doc = 0;
  for (const { value, line } of fileDocuments(text, file)) {
    for (const obj of documentObjects(value, file, doc, line))
      out.push({ obj, file, index: out.length, doc, line });
    doc += 1;
  }
  return out;
}

/** One judged object, as the JUnit report lists it. */
export interface JudgedObject {
  file: string;
  index: number;
  kind: string;
  name: string;
}

/** What a scan found: verdicts, every object judged, files skipped, files that failed. */
export interface ScanTally {
  verdicts: ScanVerdict[];
  judged: JudgedObject[];
  /** Files that hold YAML or JSON but no Kubernetes object (package.json, values.yaml …). */
  skipped: string[];
  /** One line per file that could not be read or parsed, or holds a malformed object. */
  problems: string[];
  /** Warnings that do not make the scan incomplete (a chart left unrendered without a renderer). */
  notes?: string[];
}

export type Judge = (o: SourcedObject) => ScanVerdict[];

function judgedOf(o: SourcedObject): JudgedObject {
  return {
    file: o.file,
    index: o.index,
    kind: o.obj.kind,
    name: describe(o.obj).slice(o.obj.kind.length + 1),
  };
}

/** Objects read elsewhere (a cluster), judged. */
export function tallyObjects(objects: readonly SourcedObject[], judge: Judge): ScanTally {
  return {
    verdicts: objects.flatMap(judge),
    judged: objects.map(judgedOf),
    skipped: [],
    problems: [],
    notes: [],
  };
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
 * One file, judged document by document. Its verdicts count only once the whole file is read:
 * a file that turns out to hold no Kubernetes object is "other", and one with a document that is
 * not an object, or that stops parsing, is a problem whose partial verdicts are dropped.
 */
export function judgeText(
  text: string,
  file: string,
  judge: Judge,
  into: ScanTally,
  firstIndex = 0,
): "empty" | "other" | "manifest" {
  const verdicts: ScanVerdict[] = [];
  const judged: JudgedObject[] = [];
  let doc = 0;
  let index = firstIndex;
  let sawKind = false;
  let notObject: UsageError | undefined;
  for (const { value, line } of fileDocuments(text, file)) {
    if (!hasKind(value)) {
      notObject ??= new UsageError([
        `${file}:${line}: document ${doc} is not a Kubernetes object (no \`kind\`)`,
      ]);
    } else {
      sawKind = true;
      for (const obj of documentObjects(value, file, doc, line)) {
        const sourced = { obj, file, index, doc, line };
        verdicts.push(...judge(sourced));
        judged.push(judgedOf(sourced));
        index += 1;
      }
    }
    doc += 1;
  }
  if (doc === 0) return "empty";
  if (!sawKind) return "other";
  if (notObject) throw notObject;
  into.verdicts.push(...verdicts);
  into.judged.push(...judged);
  return "manifest";
}

/**
 * Every source the arguments name, judged: files read as kubectl reads them, charts and
 * kustomizations rendered (scan-render.ts). Nothing to read at all (no files, an empty stream) is
 * a usage error: an empty render must never pass as "nothing exposed".
 */
export function judgeFiles(
  positionals: string[],
  judge: Judge,
  stdin?: () => string,
  rendering: RenderOptions = DEFAULT_RENDERING,
): ScanTally {
  const sources = sourcesOf(positionals);
  if (sources.length === 0)
    throw new UsageError([
      `scan: no manifest files (*.yaml, *.yml, *.json), charts or kustomizations in ${positionals.join(", ")}`,
    ]);
  const tally: ScanTally = { verdicts: [], judged: [], skipped: [], problems: [], notes: [] };
  let documents = 0;
  const plain = (file: string) => {
    try {
      const content = judgeText(readText(file, stdin), file, judge, tally);
      if (content === "empty") return;
      documents += 1;
      if (content === "other") tally.skipped.push(file);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      documents += 1;
      tally.problems.push(...e.lines);
    }
  };
  for (const source of sources) {
    if (source.kind === "file") {
      plain(source.path);
      continue;
    }
    const judgeDocument = (text: string, file: string, first: number) =>
      judgeText(text, file, judge, tally, first);
    const outcome = judgeRendered(source, rendering, judgeDocument, tally);
    if (outcome !== "missing") documents += 1;
    else if (source.kind === "kustomization") source.plainFiles.forEach(plain);
  }
  if (documents === 0)
    throw new UsageError([`scan: no Kubernetes objects in ${positionals.join(", ")}`]);
  return tally;
}
