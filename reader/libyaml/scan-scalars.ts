/**
 * libyaml's quoted and plain scalars (go.yaml.in/yaml/v2 v2.4.3 scannerc.go), with libyaml's
 * folding of line breaks (an LS or PS break is kept as itself).
 */
import { asHex, CH, isBlank, isBlankZ, isBreak, isHex } from "./chars";
import type { Scanner } from "./scanner";
import { type Mark, Style, Tok, type Token } from "./types";

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "'": "'",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const CODE_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Line folding shared by quoted and plain scalars: a single break is a space, more are kept. */
function folded(leadingBreak: string, trailingBreaks: string): string {
  if (leadingBreak.startsWith("\n")) return trailingBreaks === "" ? " " : trailingBreaks;
  return leadingBreak + trailingBreaks;
}

/** The blanks and line breaks between a scalar's runs of text, as libyaml folds them. */
class Folding {
  whitespaces = "";
  leadingBreak = "";
  trailingBreaks = "";
  leadingBlanks = false;

  /** The loop over blanks and breaks that both Go functions have; `onBlank` checks a blank. */
  consume(p: Scanner, onBlank?: () => void): void {
    while (isBlank(p.at()) || isBreak(p.at())) {
      if (isBlank(p.at())) {
        onBlank?.();
        if (!this.leadingBlanks) this.whitespaces += p.read();
        else p.skip();
      } else {
        p.cache(2);
        if (!this.leadingBlanks) {
          this.whitespaces = "";
          this.leadingBreak = p.readLine();
          this.leadingBlanks = true;
        } else this.trailingBreaks += p.readLine();
      }
      p.cache(1);
    }
  }

  /** What the blanks and breaks read so far add to the value when text follows them. */
  take(): string {
    if (!this.leadingBlanks) {
      const out = this.whitespaces;
      this.whitespaces = "";
      return out;
    }
    const out = folded(this.leadingBreak, this.trailingBreaks);
    this.leadingBreak = "";
    this.trailingBreaks = "";
    this.leadingBlanks = false;
    return out;
  }
}

export function scanFlowScalar(p: Scanner, single: boolean): Token {
  const start = p.here();
  p.skip();
  let s = "";
  const fold = new Folding();
  const quote = single ? CH.squote : CH.dquote;
  for (;;) {
    p.cache(4);
    if (p.documentIndicator() !== 0)
      throw p.error("while scanning a quoted scalar", start, "found unexpected document indicator");
    if (p.at() === 0)
      throw p.error("while scanning a quoted scalar", start, "found unexpected end of stream");
    fold.leadingBlanks = false;
    // Characters are taken as runs, sliced from the input (`read` one at a time in Go).
    let from = p.pos;
    const flush = (): void => {
      s += p.textFrom(from);
    };
    while (!isBlankZ(p.at())) {
      const c = p.at();
      if (single && c === CH.squote && p.at(1) === CH.squote) {
        flush();
        s += "'";
        p.skip();
        p.skip();
        from = p.pos;
      } else if (c === quote) {
        break;
      } else if (!single && c === CH.backslash && isBreak(p.at(1))) {
        flush();
        p.cache(3);
        p.skip();
        p.skipLine();
        fold.leadingBlanks = true;
        from = p.pos;
        break;
      } else if (!single && c === CH.backslash) {
        flush();
        s += escape(p, start);
        from = p.pos;
      } else p.skip();
      p.cache(2);
    }
    flush();
    p.cache(1);
    if (p.at() === quote) break;
    fold.consume(p);
    s += fold.take();
  }
  p.skip();
  return {
    type: Tok.SCALAR,
    start,
    end: p.here(),
    value: s,
    style: single ? Style.SINGLE_QUOTED : Style.DOUBLE_QUOTED,
  };
}

/** One escape sequence of a double-quoted scalar, consumed. */
function escape(p: Scanner, start: Mark): string {
  const name = String.fromCodePoint(p.at(1));
  const codeLength = CODE_LENGTHS[name] ?? 0;
  const simple = ESCAPES[name];
  if (simple === undefined && codeLength === 0)
    throw p.error("while parsing a quoted scalar", start, "found unknown escape character");
  p.skip();
  p.skip();
  if (codeLength === 0) return simple ?? "";
  p.cache(codeLength);
  let value = 0;
  for (let k = 0; k < codeLength; k++) {
    if (!isHex(p.at(k)))
      throw p.error(
        "while parsing a quoted scalar",
        start,
        "did not find expected hexdecimal number",
      );
    value = value * 16 + asHex(p.at(k));
  }
  if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff)
    throw p.error(
      "while parsing a quoted scalar",
      start,
      "found invalid Unicode character escape code",
    );
  for (let k = 0; k < codeLength; k++) p.skip();
  return String.fromCodePoint(value);
}

const FLOW_PLAIN_END = new Set<number>([
  CH.comma,
  CH.question,
  CH.lbracket,
  CH.rbracket,
  CH.lbrace,
  CH.rbrace,
]);

export function scanPlainScalar(p: Scanner): Token {
  let s = "";
  const fold = new Folding();
  const indent = p.indent + 1;
  const start = p.here();
  let end = p.here();
  const tabInIndentation = (): void => {
    if (fold.leadingBlanks && p.mark.column < indent && p.at() === CH.tab)
      throw p.error(
        "while scanning a plain scalar",
        start,
        "found a tab character that violates indentation",
      );
  };
  for (;;) {
    p.cache(4);
    if (p.documentIndicator() !== 0) break;
    if (p.at() === CH.hash) break;
    // Characters are taken as one run, sliced from the input once (`read` one at a time in Go).
    let from = -1;
    while (!isBlankZ(p.at())) {
      const c = p.at();
      if ((c === CH.colon && isBlankZ(p.at(1))) || (p.flowLevel > 0 && FLOW_PLAIN_END.has(c)))
        break;
      if (from < 0) {
        s += fold.take();
        from = p.pos;
      }
      p.skip();
      p.cache(2);
    }
    if (from >= 0) {
      s += p.textFrom(from);
      end = p.here();
    }
    if (!(isBlank(p.at()) || isBreak(p.at()))) break;
    p.cache(1);
    fold.consume(p, tabInIndentation);
    if (p.flowLevel === 0 && p.mark.column < indent) break;
  }
  if (fold.leadingBlanks) p.simpleKeyAllowed = true;
  return { type: Tok.SCALAR, start, end, value: s, style: Style.PLAIN };
}
