/**
 * libyaml's reader (go.yaml.in/yaml/v2 v2.4.3 readerc.go) over a string already decoded the way
 * kubectl decodes files (reader/input.ts), with the parts of scannerc.go that move through it
 * (cache, skip, skip_line, read, read_line).
 *
 * The input is held whole as code points, so a character is one index. What is kept of the
 * reader's buffering is what can be seen from outside: it decodes the input in 512-byte raw
 * blocks as the scanner asks for characters, and refuses a control character when it decodes the
 * block holding it, so an error past the end of the first document shows only if the scanner
 * reached that block; and the scanner's byte-order-mark test reads the first character of the
 * buffer, which is the character under the cursor when the buffer was last refilled.
 */
import { CH, isAllowed, isBlank, isBlankZ, isBreak, isBreakZ, utf8Width } from "./chars";
import { LibyamlError, type Mark } from "./types";

const RAW_BUFFER = 512;
/** Lookahead past the end reads zeros, as the reader pads its buffer with NULs at the end. */
const PADDING = 16;

/** A surrogate pair starts at `i` (a lone surrogate is a malformed byte kept by reader/input.ts). */
function isPairAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  return c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
}

export class Reader {
  /** The input's code points, then zeros. */
  readonly buf: Uint32Array;
  /** Characters of input (the zeros after them are not). */
  readonly length: number;
  /** The raw byte offset just past each character. */
  private readonly rawEnds: Uint32Array;
  /** buffer_pos, as an index into buf. */
  pos = 0;
  unread = 0;
  mark: Mark = { index: 0, line: 0, column: 0 };
  /** The index of the character at buffer[0] (is_bom reads it, not the cursor's). */
  bufferStart = 0;
  private decoded = 0;
  private rawStart = 0;
  private rawEnd = 0;
  private eof = false;
  private encodingKnown = false;
  private readonly skipBom: boolean;

  constructor(input: string) {
    // yaml_parser_determine_encoding drops a UTF-8 byte-order mark at the very start.
    this.skipBom = input.charCodeAt(0) === CH.bom;
    this.input = this.skipBom ? input.slice(1) : input;
    const text = this.input;
    let n = 0;
    for (let i = 0; i < text.length; i++, n++) if (isPairAt(text, i)) i++;
    this.length = n;
    this.buf = new Uint32Array(n + PADDING);
    this.rawEnds = new Uint32Array(n);
    this.offsets = new Uint32Array(n + 1);
    let raw = this.skipBom ? 3 : 0;
    for (let i = 0, k = 0; i < text.length; i++, k++) {
      this.offsets[k] = i;
      const c = isPairAt(text, i) ? (text.codePointAt(i) ?? 0) : text.charCodeAt(i);
      if (c > 0xffff) i++;
      this.buf[k] = c;
      raw += utf8Width(c);
      this.rawEnds[k] = raw;
    }
    this.offsets[n] = text.length;
    this.rawTotal = raw;
  }

  /** The input after a leading byte-order mark, and each character's UTF-16 offset in it. */
  private readonly input: string;
  private readonly offsets: Uint32Array;
  private readonly rawTotal: number;

  /** The character `k` places after the cursor. */
  at(k = 0): number {
    return this.buf[this.pos + k] ?? 0;
  }

  private rawAt(charIndex: number): number {
    if (charIndex === 0) return this.skipBom ? 3 : 0;
    return this.rawEnds[charIndex - 1] ?? this.rawTotal;
  }

  /** scannerc.go cache: at least `length` characters decoded ahead of the cursor. */
  cache(length: number): void {
    if (this.unread < length) this.updateBuffer(length);
  }

  /** readerc.go yaml_parser_update_buffer. */
  private updateBuffer(length: number): void {
    if (!this.encodingKnown) {
      while (!this.eof && this.rawEnd - this.rawStart < 3) this.updateRawBuffer();
      this.encodingKnown = true;
    }
    this.bufferStart = this.pos;
    let first = true;
    while (this.unread < length) {
      if (!first || this.rawAt(this.decoded) === this.rawEnd) this.updateRawBuffer();
      first = false;
      while (this.decoded < this.length && (this.rawEnds[this.decoded] ?? 0) <= this.rawEnd) {
        const c = this.buf[this.decoded] ?? 0;
        if (!isAllowed(c))
          throw new LibyamlError(
            c >= 0xd800 && c <= 0xdfff ? "invalid UTF-8" : "control characters are not allowed",
            undefined,
          );
        this.decoded += 1;
        this.unread += 1;
      }
      if (this.eof) {
        this.unread += 1; // the NUL that ends the input
        break;
      }
    }
  }

  /** readerc.go yaml_parser_update_raw_buffer over the string read handler. */
  private updateRawBuffer(): void {
    const consumed = this.rawAt(this.decoded);
    if (consumed === this.rawStart && this.rawEnd - this.rawStart === RAW_BUFFER) return;
    if (this.eof) return;
    this.rawStart = consumed;
    const n = Math.min(RAW_BUFFER - (this.rawEnd - this.rawStart), this.rawTotal - this.rawEnd);
    if (this.rawEnd === this.rawTotal) this.eof = true;
    else this.rawEnd += n;
  }

  /** The error offset kubectl's line and column come from, in UTF-16 units of the input. */
  utf16Offset(index: number): number {
    return (this.skipBom ? 1 : 0) + (this.offsets[Math.min(index, this.length)] ?? 0);
  }

  /** The characters from index `from` to the cursor, as text (what `read` would have appended). */
  textFrom(from: number): string {
    const end = this.offsets[Math.min(this.pos, this.length)] ?? 0;
    return this.input.slice(this.offsets[from] ?? 0, end);
  }

  skip(): void {
    this.mark.index += 1;
    this.mark.column += 1;
    this.unread -= 1;
    this.pos += 1;
  }

  skipLine(): void {
    const c = this.at();
    if (c === CH.cr && this.at(1) === CH.lf) {
      this.mark.index += 2;
      this.mark.column = 0;
      this.mark.line += 1;
      this.unread -= 2;
      this.pos += 2;
    } else if (isBreak(c)) {
      this.mark.index += 1;
      this.mark.column = 0;
      this.mark.line += 1;
      this.unread -= 1;
      this.pos += 1;
    }
  }

  /** scannerc.go read: the character under the cursor, consumed. */
  read(): string {
    const c = this.at();
    this.pos += 1;
    this.mark.index += 1;
    this.mark.column += 1;
    this.unread -= 1;
    return String.fromCodePoint(c);
  }

  /** scannerc.go read_line: CR LF, CR, LF and NEL read as "\n"; LS and PS read as themselves. */
  readLine(): string {
    const c = this.at();
    let s: string;
    if (c === CH.cr && this.at(1) === CH.lf) {
      s = "\n";
      this.pos += 2;
      this.mark.index += 1;
      this.unread -= 1;
    } else if (c === CH.cr || c === CH.lf || c === CH.nel) {
      s = "\n";
      this.pos += 1;
    } else if (c === CH.ls || c === CH.ps) {
      s = String.fromCodePoint(c);
      this.pos += 1;
    } else return "";
    this.mark.index += 1;
    this.mark.column = 0;
    this.mark.line += 1;
    this.unread -= 1;
    return s;
  }

  /** Spaces and tabs under the cursor, skipped (a loop the scanner repeats in several places). */
  skipBlanks(): void {
    this.cache(1);
    while (isBlank(this.at())) {
      this.skip();
      this.cache(1);
    }
  }

  /** A comment under the cursor, skipped to the end of its line. */
  skipComment(): void {
    if (this.at() !== CH.hash) return;
    while (!isBreakZ(this.at())) {
      this.skip();
      this.cache(1);
    }
  }

  /** `---` or `...` at column 0 followed by a blank or break: the indicator's character, else 0. */
  documentIndicator(): number {
    const c = this.at();
    const is =
      this.mark.column === 0 &&
      (c === CH.dash || c === CH.dot) &&
      this.at(1) === c &&
      this.at(2) === c &&
      isBlankZ(this.at(3));
    return is ? c : 0;
  }

  /** A copy of the current mark (Go copies the struct). */
  here(): Mark {
    return { ...this.mark };
  }
}
