/**
 * libyaml's block scalars (go.yaml.in/yaml/v2 v2.4.3 scannerc.go yaml_parser_scan_block_scalar):
 * literal and folded, their indicators, indentation and chomping.
 */
import { CH, isBlank, isBreak, isBreakZ, isDigit } from "./chars";
import type { Scanner } from "./scanner";
import { type Mark, Style, Tok, type Token } from "./types";

export function scanBlockScalar(p: Scanner, literal: boolean): Token {
  const start = p.here();
  p.skip();
  p.cache(1);
  let chomping = 0;
  let increment = 0;
  const chomp = (): void => {
    chomping = p.at() === CH.plus ? 1 : -1;
    p.skip();
  };
  const indentation = (): void => {
    if (p.at() === CH.zero)
      throw p.error(
        "while scanning a block scalar",
        start,
        "found an indentation indicator equal to 0",
      );
    increment = p.at() - CH.zero;
    p.skip();
  };
  if (p.at() === CH.plus || p.at() === CH.dash) {
    chomp();
    p.cache(1);
    if (isDigit(p.at())) indentation();
  } else if (isDigit(p.at())) {
    indentation();
    p.cache(1);
    if (p.at() === CH.plus || p.at() === CH.dash) chomp();
  }
  p.skipBlanks();
  p.skipComment();
  if (!isBreakZ(p.at()))
    throw p.error(
      "while scanning a block scalar",
      start,
      "did not find expected comment or line break",
    );
  if (isBreak(p.at())) {
    p.cache(2);
    p.skipLine();
  }
  const state = {
    indent: increment > 0 ? (p.indent >= 0 ? p.indent + increment : increment) : 0,
    breaks: "",
    end: p.here(),
  };
  blockScalarBreaks(p, state, start);
  p.cache(1);
  let s = "";
  let leadingBreak = "";
  let leadingBlank = false;
  while (p.mark.column === state.indent && p.at() !== 0) {
    const trailingBlank = isBlank(p.at());
    if (!literal && !leadingBlank && !trailingBlank && leadingBreak.startsWith("\n")) {
      if (state.breaks === "") s += " ";
    } else s += leadingBreak;
    leadingBreak = "";
    s += state.breaks;
    state.breaks = "";
    leadingBlank = isBlank(p.at());
    const from = p.pos;
    while (!isBreakZ(p.at())) {
      p.skip();
      p.cache(1);
    }
    s += p.textFrom(from);
    p.cache(2);
    leadingBreak = p.readLine();
    blockScalarBreaks(p, state, start);
  }
  if (chomping !== -1) s += leadingBreak;
  if (chomping === 1) s += state.breaks;
  return {
    type: Tok.SCALAR,
    start,
    end: state.end,
    value: s,
    style: literal ? Style.LITERAL : Style.FOLDED,
  };
}

/** yaml_parser_scan_block_scalar_breaks: empty lines, and the indentation when not yet known. */
function blockScalarBreaks(
  p: Scanner,
  state: { indent: number; breaks: string; end: Mark },
  start: Mark,
): void {
  state.end = p.here();
  let maxIndent = 0;
  for (;;) {
    p.cache(1);
    while ((state.indent === 0 || p.mark.column < state.indent) && p.at() === CH.space) {
      p.skip();
      p.cache(1);
    }
    if (p.mark.column > maxIndent) maxIndent = p.mark.column;
    if ((state.indent === 0 || p.mark.column < state.indent) && p.at() === CH.tab)
      throw p.error(
        "while scanning a block scalar",
        start,
        "found a tab character where an indentation space is expected",
      );
    if (!isBreak(p.at())) break;
    p.cache(2);
    state.breaks += p.readLine();
    state.end = p.here();
  }
  if (state.indent === 0) state.indent = Math.max(maxIndent, p.indent + 1, 1);
}
