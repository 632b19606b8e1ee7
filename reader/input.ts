import * as fs from "node:fs";
import { StreamError, readStream } from "./kube-stream";

/** A user input problem the CLI reports as one line and exit code 2. */
export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "UsageError";
  }
}

/**
 * The largest input zeroport reads from one file or stdin. The API server refuses request bodies
 * over 3 MiB; a manifest stream (helm template, kustomize build) may hold many objects, so the
 * limit is higher, but bounded.
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

function tooLarge(file: string): UsageError {
  return new UsageError([`${file}: larger than ${MAX_INPUT_BYTES / (1024 * 1024)} MiB; split it`]);
}

/** Reads from a descriptor until EOF or the limit, whatever it is (file, pipe, device). */
function readBounded(fd: number, file: string): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      if (code === "EOF") break;
      throw new UsageError([
        `${file}: cannot read (${code === "EISDIR" ? "a directory" : (code ?? "error")})`,
      ]);
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_INPUT_BYTES) throw tooLarge(file);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return decodeAsKubectl(Buffer.concat(chunks));
}

// The BOM is dropped here, once, as BOMOverride does; a second one is a character.
const UTF16 = {
  be: new TextDecoder("utf-16be", { ignoreBOM: true }),
  le: new TextDecoder("utf-16le", { ignoreBOM: true }),
};

/**
 * The text kubectl reads from a file's bytes: k8s.io/cli-runtime's FileVisitor (v0.36.1
 * pkg/resource/visitor.go) decodes every file and stdin through
 * `unicode.BOMOverride(unicode.UTF8.NewDecoder())` (golang.org/x/text v0.33.0): a UTF-16 BOM (FE FF
 * big-endian, FF FE little-endian) switches to UTF-16 and is dropped; a UTF-8 BOM is dropped and
 * the rest passed on as it is (transform.Nop), so a malformed byte reaches go-yaml, which refuses
 * it; anything else is UTF-8 with malformed sequences replaced by U+FFFD, as Node does (both
 * replace the maximal subpart).
 */
export function decodeAsKubectl(bytes: Buffer): string {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return utf8KeepingMalformed(bytes.subarray(3));
  if (a === 0xfe && b === 0xff) return UTF16.be.decode(bytes.subarray(2));
  if (a === 0xff && b === 0xfe) return UTF16.le.decode(bytes.subarray(2));
  return bytes.toString("utf8");
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-8 where each byte that starts no well-formed sequence (Go's utf8.DecodeRune rule) is kept as
 * U+DC80-U+DCFF, a lone surrogate no decoder produces: go-yaml's reader refuses it where it reaches
 * it, and encoding/json reads it as U+FFFD.
 */
function utf8KeepingMalformed(bytes: Buffer): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // Malformed somewhere: walk it.
  }
  let out = "";
  let run = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = wellFormedLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += bytes.subarray(run, i).toString("utf8") + String.fromCharCode(0xdc00 + (bytes[i] ?? 0));
    i += 1;
    run = i;
  }
  return out + bytes.subarray(run).toString("utf8");
}

/** The length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0. */
function wellFormedLength(b: Buffer, i: number): number {
  const c = b[i] ?? 0;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const [lo, hi] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const [lo, hi] = c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Reads a file (or `-` for stdin) as text, with a clean error when it cannot be read. Only
 * regular files are read (a symlink is followed to one); a FIFO, device or socket is refused,
 * and nothing is read past {@link MAX_INPUT_BYTES}.
 */
export function readText(
  file: string,
  stdin: () => string = () => readBounded(0, "stdin"),
): string {
  if (file === "-") return stdin();
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError([
      `${file}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? "error")})`,
    ]);
  }
  if (stat.isDirectory()) throw new UsageError([`${file}: is a directory`]);
  if (!stat.isFile())
    throw new UsageError([`${file}: not a regular file (a device, FIFO or socket)`]);
  if (stat.size > MAX_INPUT_BYTES) throw tooLarge(file);
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    throw new UsageError([
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    ]);
  }
  try {
    return readBounded(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Every document in `text` as kubectl reads it (reader/kube-stream.ts), empty documents dropped,
 * each with the line it starts on. A syntax error names the file, line and column.
 */
export function readDocuments(text: string, file: string): { value: unknown; line: number }[] {
  try {
    return readStream(text);
  } catch (e) {
    if (e instanceof StreamError)
      throw new UsageError([`${file}:${e.line}:${e.column}: ${e.message}`]);
    throw e;
  }
}

/** Reads a file holding exactly one mapping (args or config), in YAML or JSON. */
export function readMapping(file: string): Record<string, unknown> {
  const docs = readDocuments(readText(file), file);
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
