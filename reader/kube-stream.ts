/**
 * A manifest file read the way `kubectl create -f FILE` reads it (k8s.io/cli-runtime v0.36.1's
 * FileVisitor and StreamVisitor, k8s.io/apimachinery's YAMLOrJSONDecoder and YAMLReader):
 * - bytes are decoded as cli-runtime decodes them (documents.ts decodeAsKubectl: one BOM dropped);
 * - the stream is read as JSON values first; after two or more, a JSON error is final, otherwise
 *   the rest is YAML from where the last JSON value ended;
 * - YAML is cut into chunks at lines that start with `---` (only spaces or a `#` comment may
 *   follow; anything else is an error), and each chunk's first document is decoded with
 *   go-yaml's rules (reader/goyaml.ts), so a later byte-order mark or a `...` only affects its chunk;
 * - `null` and empty chunks are skipped.
 * Documents are read one at a time (streamDocuments), so a scan holds one document, not all.
 * The test e2e/kubectl-reading.e2e.ts compares it with kubectl's own code over generated input.
 */
import { isMainThread } from "node:worker_threads";
import { decodeChunkDeep } from "./deep-read";
import type * as FullReader from "./goyaml";
import { GoYamlError, TOO_DEEP } from "./goyaml-resolve";
import { fastDecode, NOT_FAST, surelyExcessiveAliasing } from "./goyaml-fast";
import { utf8Width } from "./libyaml/chars";

/** A byte of malformed UTF-8 kept by decodeAsKubectl (input.ts) as a lone surrogate. */
const MALFORMED_BYTE = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

/** One value of the stream, with the 1-based line it starts on. */
export interface StreamDocument {
  value: unknown;
  line: number;
}

/** A stream kubectl cannot read, with the line (1-based) where reading stopped. */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column = 1,
  ) {
    super(message);
  }
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split("\n").length;
const columnAt = (text: string, offset: number) =>
  offset - (text.lastIndexOf("\n", offset - 1) + 1) + 1;

/** The end offset of the JSON value starting at `pos` (after whitespace), or -1 if none. */
function jsonValueEnd(text: string, pos: number): number {
  const first = text.charAt(pos);
  if (first === "{" || first === "[") {
    let depth = 0;
    let inString = false;
    for (let i = pos; i < text.length; i++) {
      const c = text.charAt(i);
      if (inString) {
        if (c === "\\") i += 1;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{" || c === "[") depth += 1;
      else if (c === "}" || c === "]") {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  const m = /^(?:"(?:[^"\\]|\\.)*"|-?[0-9][0-9eE.+-]*|true|false|null)/.exec(text.slice(pos));
  return m ? pos + m[0].length : -1;
}

/**
 * Go's strings.TrimSpace: unicode.IsSpace at both ends. Not String.prototype.trim, which also
 * trims U+FEFF and does not trim NEL (U+0085): `---<NEL>` is a separator to kubectl.
 */
const GO_SPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");
export const goTrimSpace = (s: string) => s.replace(GO_TRIM, "");
const GO_SPACE_CHAR = new RegExp(`^[${GO_SPACE}]$`);

/**
 * Whether YAMLOrJSONDecoder tries JSON at all: only when the first character that is not space
 * (Go's unicode.IsSpace) within the first 4096 bytes is `{` (apimachinery v0.36.1
 * util/yaml/decoder.go GuessJSONStream, IsJSONBuffer); anything else is YAML from the start, so
 * `"kind": Service` is a YAML mapping.
 */
export function mightBeJson(text: string): boolean {
  let bytes = 0;
  for (const c of text) {
    if (bytes >= 4096) return false;
    if (c === "{") return true;
    if (!GO_SPACE_CHAR.test(c)) return false;
    bytes += Buffer.byteLength(c);
  }
  return false;
}

/** The JSON values at the start of the stream, as YAMLOrJSONDecoder takes them. */
function readJsonPrefix(text: string): { docs: StreamDocument[]; rest: number } {
  const docs: StreamDocument[] = [];
  if (!mightBeJson(text)) return { docs, rest: 0 };
  let pos = 0;
  for (;;) {
    // encoding/json's whitespace only: a NEL, LS or PS between values is a syntax error there.
    const start = pos + (/^[ \t\r\n]*/.exec(text.slice(pos))?.[0].length ?? 0);
    if (start >= text.length) return { docs, rest: text.length };
    const end = jsonValueEnd(text, start);
    let value: unknown;
    let ok = end > 0;
    if (ok) {
      try {
        // encoding/json reads a malformed byte in a string as U+FFFD (and refuses it elsewhere).
        value = JSON.parse(text.slice(start, end).replace(MALFORMED_BYTE, "\ufffd"));
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      if (docs.length > 1)
        throw new StreamError("invalid JSON in a JSON stream", lineAt(text, start));
      const rest = consumeWhitespace(text, pos);
      if (rest === undefined)
        throw new StreamError("invalid JSON, and no YAML after it", lineAt(text, start));
      return { docs, rest };
    }
    docs.push({ value, line: lineAt(text, start) });
    pos = end;
  }
}

/**
 * YAMLOrJSONDecoder.consumeWhitespace (apimachinery v0.36.1 util/yaml/decoder.go), run when JSON
 * stops after at most one value: Go space (unicode.IsSpace) up to and including the first line
 * feed is eaten before YAML takes over. It reads four bytes at a time, so it fails within four
 * bytes of the end, and at a malformed character (U+FFFD); then kubectl reports the JSON error.
 */
function consumeWhitespace(text: string, pos: number): number | undefined {
  let remaining = 0;
  for (let i = pos; i < text.length; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1)
    remaining += utf8Width(text.codePointAt(i) ?? 0);
  let i = pos;
  for (;;) {
    if (remaining < 4) return undefined;
    const c = text.codePointAt(i) ?? 0;
    if (c === 0xfffd || (c >= 0xd800 && c <= 0xdfff)) return undefined;
    if (!GO_SPACE_CHAR.test(String.fromCodePoint(c))) return i;
    remaining -= utf8Width(c);
    i += c > 0xffff ? 2 : 1;
    if (c === 0x0a) return i;
  }
}

/**
 * k8s.io/apimachinery's YAMLReader: chunks between `---` lines, each with its first line, cut as
 * they are reached so that a large stream is never held twice. A `---` line that ends no chunk
 * (the first line, or the second of two) begins the next one, as YAMLReader.Read writes it there.
 */
function* yamlChunks(text: string, offset: number): Generator<{ chunk: string; line: number }> {
  let line = lineAt(text, offset);
  let start = offset;
  let chunkStart = offset;
  let chunkLine = line;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline + 1;
    if (text.startsWith("---", start)) {
      const trimmed = goTrimSpace(text.slice(start + 3, end));
      if (trimmed.length > 0 && !trimmed.startsWith("#"))
        throw new StreamError(`invalid Yaml document separator: ${trimmed}`, line);
      // A separator that ends nothing is kept: YAMLReader writes it into the next chunk.
      if (start > chunkStart) {
        yield { chunk: text.slice(chunkStart, start), line: chunkLine };
        chunkStart = end;
        chunkLine = line + 1;
      }
    }
    start = end;
    line += 1;
  }
  if (text.length > chunkStart) yield { chunk: text.slice(chunkStart), line: chunkLine };
}

let fullReader: typeof FullReader | undefined;

/** One chunk's value: the fast path when it can, the full reader otherwise. */
function decode(chunk: string): unknown {
  const fast = fastDecode(chunk);
  if (fast !== NOT_FAST) return fast;
  if (surelyExcessiveAliasing(chunk)) throw new GoYamlError("document contains excessive aliasing");
  // Loaded on first use: the port of go-yaml's reader, which a scan of plain manifests never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fullReader ??= require("./goyaml") as typeof FullReader;
  return fullReader.decodeChunk(chunk);
}

/**
 * Every value of the stream kubectl would decode, one at a time, `null` ones dropped; a document
 * too deep for this thread's stack is read again on a larger one. Throws StreamError.
 */
export function* streamDocuments(input: string): Generator<StreamDocument> {
  // The file's own byte-order mark was dropped when it was decoded (decodeAsKubectl); one more is
  // not space to the JSON guess, and go-yaml skips it.
  const text = input;
  const { docs, rest } = readJsonPrefix(text);
  for (const doc of docs) if (doc.value !== null && doc.value !== undefined) yield doc;
  for (const { chunk, line } of yamlChunks(text, rest)) {
    let value: unknown;
    try {
      value = decodeDeepWhenNeeded(chunk);
    } catch (e) {
      if (e instanceof GoYamlError)
        throw new StreamError(
          e.message,
          line + lineAt(chunk, e.offset) - 1,
          columnAt(chunk, e.offset),
        );
      throw e;
    }
    if (value !== null && value !== undefined) yield { value, line };
  }
}

function decodeDeepWhenNeeded(chunk: string): unknown {
  try {
    return decode(chunk);
  } catch (e) {
    if (!(e instanceof GoYamlError) || e.message !== TOO_DEEP || !isMainThread) throw e;
    const deep = decodeChunkDeep(chunk);
    if (deep === undefined) throw e;
    return deep.value;
  }
}

/** The whole stream at once (config and args files, tests). */
export function readStream(input: string): StreamDocument[] {
  return [...streamDocuments(input)];
}
