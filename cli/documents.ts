import * as fs from "node:fs";
import * as jsyaml from "js-yaml";
import * as YAML from "yaml";

/** A user input problem the CLI reports as one line and exit code 2. */
export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "UsageError";
  }
}

/** Reads a file (or `-` for stdin) as text, with a clean error when it cannot be read. */
export function readText(
  file: string,
  stdin: () => string = () => fs.readFileSync(0, "utf8"),
): string {
  if (file === "-") return stdin();
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError([
      `${file}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? "error")})`,
    ]);
  }
}

/**
 * Parses every YAML (or JSON, which is YAML) document in `text`. A syntax error names the file,
 * line and column.
 */
export function parseDocuments(text: string, file: string): { value: unknown; line: number }[] {
  const lineCounter = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: { value: unknown; line: number }[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      throw new UsageError([`${file}:${pos.line}:${pos.col}: ${err.message.split("\n")[0]}`]);
    }
    const start = doc.contents?.range?.[0] ?? 0;
    out.push({
      value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      line: lineCounter.linePos(start).line,
    });
  }
  return out;
}

/**
 * The documents of `text` as values, fast (js-yaml, about ten times quicker than the `yaml`
 * library's full syntax tree): the path for scanning many manifests. Errors are reported by
 * {@link parseDocuments}, which names the line and column.
 */
export function loadDocuments(text: string, file: string): unknown[] {
  try {
    return jsyaml.loadAll(text);
  } catch (e) {
    parseDocuments(text, file);
    const mark = (e as { mark?: { line: number; column: number } }).mark;
    throw new UsageError([
      `${file}:${(mark?.line ?? 0) + 1}:${(mark?.column ?? 0) + 1}: ${(e as Error).message.split("\n")[0]}`,
    ]);
  }
}

/** Reads a file holding exactly one mapping (args or config), in YAML or JSON. */
export function readMapping(file: string): Record<string, unknown> {
  const docs = parseDocuments(readText(file), file).filter(
    (d) => d.value !== null && d.value !== undefined,
  );
  const first = docs[0];
  if (
    docs.length !== 1 ||
    !first ||
    typeof first.value !== "object" ||
    Array.isArray(first.value)
  ) {
    throw new UsageError([`${file}: must hold exactly one YAML or JSON mapping`]);
  }
  return first.value as Record<string, unknown>;
}
