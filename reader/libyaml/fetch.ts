/**
 * libyaml's fetchers (go.yaml.in/yaml/v2 v2.4.3 scannerc.go): which token comes next, and the
 * whitespace and comments before it. Names follow the Go functions (yaml_parser_fetch_next_token
 * is fetchNextToken).
 */
import { CH, isBlank, isBlankZ, isBreak } from "./chars";
import { scanBlockScalar } from "./scan-block-scalar";
import { scanFlowScalar, scanPlainScalar } from "./scan-scalars";
import { scanAnchor, scanDirective, scanTag } from "./scan-tags";
import type { Scanner } from "./scanner";
import { Tok, type TokType } from "./types";

export function fetchMoreTokens(p: Scanner): void {
  for (;;) {
    if (p.tokensHead !== p.tokens.length) {
      const head = p.simpleKeysByTok.get(p.tokensParsed);
      if (head === undefined) break;
      const key = p.simpleKeys[head];
      if (!key || !p.simpleKeyIsValid(key)) break;
    }
    fetchNextToken(p);
  }
  p.tokenAvailable = true;
}

function fetchNextToken(p: Scanner): void {
  p.cache(1);
  if (!p.streamStartProduced) return fetchStreamStart(p);
  scanToNextToken(p);
  p.unrollIndent(p.mark.column);
  p.cache(4);
  const c = p.at();
  if (c === 0) return fetchStreamEnd(p);
  if (p.mark.column === 0 && c === CH.percent) return fetchDirective(p);
  const indicator = p.documentIndicator();
  if (indicator === CH.dash) return fetchDocumentIndicator(p, Tok.DOCUMENT_START);
  if (indicator === CH.dot) return fetchDocumentIndicator(p, Tok.DOCUMENT_END);
  if (c === CH.lbracket) return fetchFlowCollectionStart(p, Tok.FLOW_SEQUENCE_START);
  if (c === CH.lbrace) return fetchFlowCollectionStart(p, Tok.FLOW_MAPPING_START);
  if (c === CH.rbracket) return fetchFlowCollectionEnd(p, Tok.FLOW_SEQUENCE_END);
  if (c === CH.rbrace) return fetchFlowCollectionEnd(p, Tok.FLOW_MAPPING_END);
  if (c === CH.comma) return fetchFlowEntry(p);
  const next = p.at(1);
  if (c === CH.dash && isBlankZ(next)) return fetchBlockEntry(p);
  if (c === CH.question && (p.flowLevel > 0 || isBlankZ(next))) return fetchKey(p);
  if (c === CH.colon && (p.flowLevel > 0 || isBlankZ(next))) return fetchValue(p);
  if (c === CH.star || c === CH.amp) return fetchAnchor(p, c === CH.star ? Tok.ALIAS : Tok.ANCHOR);
  if (c === CH.bang) return fetchTag(p);
  if ((c === CH.pipe || c === CH.gt) && p.flowLevel === 0)
    return fetchBlockScalar(p, c === CH.pipe);
  if (c === CH.squote || c === CH.dquote) return fetchFlowScalar(p, c === CH.squote);
  if (
    !(isBlankZ(c) || INDICATORS.has(c)) ||
    (c === CH.dash && !isBlank(next)) ||
    (p.flowLevel === 0 && (c === CH.question || c === CH.colon) && !isBlankZ(next))
  )
    return fetchPlainScalar(p);
  throw p.error(
    "while scanning for the next token",
    p.here(),
    "found character that cannot start any token",
  );
}

/** The characters that cannot start a plain scalar (with the exceptions fetchNextToken makes). */
const INDICATORS = new Set<number>([
  ...[CH.dash, CH.question, CH.colon, CH.comma, CH.lbracket, CH.rbracket, CH.lbrace, CH.rbrace],
  ...[CH.hash, CH.amp, CH.star, CH.bang, CH.pipe, CH.gt, CH.squote, CH.dquote, CH.percent],
  ...[CH.at, CH.backtick],
]);

function fetchStreamStart(p: Scanner): void {
  p.indent = -1;
  p.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: p.here() });
  p.simpleKeysByTok = new Map();
  p.simpleKeyAllowed = true;
  p.streamStartProduced = true;
  p.insertToken(-1, { type: Tok.STREAM_START, start: p.here(), end: p.here() });
}

function fetchStreamEnd(p: Scanner): void {
  if (p.mark.column !== 0) {
    p.mark.column = 0;
    p.mark.line += 1;
  }
  p.unrollIndent(-1);
  p.removeSimpleKey();
  p.simpleKeyAllowed = false;
  p.insertToken(-1, { type: Tok.STREAM_END, start: p.here(), end: p.here() });
}

function fetchDirective(p: Scanner): void {
  p.unrollIndent(-1);
  p.removeSimpleKey();
  p.simpleKeyAllowed = false;
  p.insertToken(-1, scanDirective(p));
}

function fetchDocumentIndicator(p: Scanner, type: TokType): void {
  p.unrollIndent(-1);
  p.removeSimpleKey();
  p.simpleKeyAllowed = false;
  const start = p.here();
  p.skip();
  p.skip();
  p.skip();
  p.insertToken(-1, { type, start, end: p.here() });
}

function fetchFlowCollectionStart(p: Scanner, type: TokType): void {
  p.saveSimpleKey();
  p.increaseFlowLevel();
  p.simpleKeyAllowed = true;
  p.simpleToken(type);
}

function fetchFlowCollectionEnd(p: Scanner, type: TokType): void {
  p.removeSimpleKey();
  p.decreaseFlowLevel();
  p.simpleKeyAllowed = false;
  p.simpleToken(type);
}

function fetchFlowEntry(p: Scanner): void {
  p.removeSimpleKey();
  p.simpleKeyAllowed = true;
  p.simpleToken(Tok.FLOW_ENTRY);
}

function fetchBlockEntry(p: Scanner): void {
  if (p.flowLevel === 0) {
    if (!p.simpleKeyAllowed)
      throw p.error("", p.here(), "block sequence entries are not allowed in this context");
    p.rollIndent(p.mark.column, -1, Tok.BLOCK_SEQUENCE_START, p.here());
  }
  p.removeSimpleKey();
  p.simpleKeyAllowed = true;
  p.simpleToken(Tok.BLOCK_ENTRY);
}

function fetchKey(p: Scanner): void {
  if (p.flowLevel === 0) {
    if (!p.simpleKeyAllowed)
      throw p.error("", p.here(), "mapping keys are not allowed in this context");
    p.rollIndent(p.mark.column, -1, Tok.BLOCK_MAPPING_START, p.here());
  }
  p.removeSimpleKey();
  p.simpleKeyAllowed = p.flowLevel === 0;
  p.simpleToken(Tok.KEY);
}

function fetchValue(p: Scanner): void {
  const key = p.simpleKeys[p.simpleKeys.length - 1];
  if (key && p.simpleKeyIsValid(key)) {
    p.insertToken(key.tokenNumber - p.tokensParsed, {
      type: Tok.KEY,
      start: key.mark,
      end: key.mark,
    });
    p.rollIndent(key.mark.column, key.tokenNumber, Tok.BLOCK_MAPPING_START, key.mark);
    key.possible = false;
    p.simpleKeysByTok.delete(key.tokenNumber);
    p.simpleKeyAllowed = false;
  } else {
    if (p.flowLevel === 0) {
      if (!p.simpleKeyAllowed)
        throw p.error("", p.here(), "mapping values are not allowed in this context");
      p.rollIndent(p.mark.column, -1, Tok.BLOCK_MAPPING_START, p.here());
    }
    p.simpleKeyAllowed = p.flowLevel === 0;
  }
  p.simpleToken(Tok.VALUE);
}

function fetchAnchor(p: Scanner, type: TokType): void {
  p.saveSimpleKey();
  p.simpleKeyAllowed = false;
  p.insertToken(-1, scanAnchor(p, type));
}

function fetchTag(p: Scanner): void {
  p.saveSimpleKey();
  p.simpleKeyAllowed = false;
  p.insertToken(-1, scanTag(p));
}

function fetchBlockScalar(p: Scanner, literal: boolean): void {
  p.removeSimpleKey();
  p.simpleKeyAllowed = true;
  p.insertToken(-1, scanBlockScalar(p, literal));
}

function fetchFlowScalar(p: Scanner, single: boolean): void {
  p.saveSimpleKey();
  p.simpleKeyAllowed = false;
  p.insertToken(-1, scanFlowScalar(p, single));
}

function fetchPlainScalar(p: Scanner): void {
  p.saveSimpleKey();
  p.simpleKeyAllowed = false;
  p.insertToken(-1, scanPlainScalar(p));
}

/** Whitespace, comments and line breaks up to the next token. */
function scanToNextToken(p: Scanner): void {
  for (;;) {
    p.cache(1);
    // go-yaml's is_bom ignores its index and reads the buffer's first character.
    if (p.mark.column === 0 && p.buf[p.bufferStart] === CH.bom) p.skip();
    p.cache(1);
    while (p.at() === CH.space || ((p.flowLevel > 0 || !p.simpleKeyAllowed) && p.at() === CH.tab)) {
      p.skip();
      p.cache(1);
    }
    p.skipComment();
    if (!isBreak(p.at())) break;
    p.cache(2);
    p.skipLine();
    if (p.flowLevel === 0) p.simpleKeyAllowed = true;
  }
}
