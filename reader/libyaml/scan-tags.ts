/**
 * libyaml's scanner, part three (go.yaml.in/yaml/v2 v2.4.3 scannerc.go): directives, anchors,
 * aliases and tags.
 */
import { asHex, CH, isAlpha, isBlank, isBlankZ, isBreak, isBreakZ, isDigit, isHex } from "./chars";
import type { Scanner } from "./scanner";
import { type Mark, Tok, type Token, type TokType } from "./types";

export function scanDirective(p: Scanner): Token {
  const start = p.here();
  p.skip();
  const name = scanDirectiveName(p, start);
  let token: Token;
  if (name === "YAML") {
    const major = scanVersionDirectiveNumber(p, start, true);
    if (p.at() !== CH.dot)
      throw p.error(
        "while scanning a %YAML directive",
        start,
        "did not find expected digit or '.' character",
      );
    p.skip();
    const minor = scanVersionDirectiveNumber(p, start, false);
    token = { type: Tok.VERSION_DIRECTIVE, start, end: p.here(), major, minor };
  } else if (name === "TAG") {
    p.skipBlanks();
    const handle = scanTagHandle(p, true, start);
    p.cache(1);
    if (!isBlank(p.at()))
      throw p.error("while scanning a %TAG directive", start, "did not find expected whitespace");
    p.skipBlanks();
    const prefix = scanTagUri(p, true, "", start);
    p.cache(1);
    if (!isBlankZ(p.at()))
      throw p.error(
        "while scanning a %TAG directive",
        start,
        "did not find expected whitespace or line break",
      );
    token = { type: Tok.TAG_DIRECTIVE, start, end: p.here(), value: handle, prefix };
  } else throw p.error("while scanning a directive", start, "found unknown directive name");
  p.skipBlanks();
  p.skipComment();
  if (!isBreakZ(p.at()))
    throw p.error(
      "while scanning a directive",
      start,
      "did not find expected comment or line break",
    );
  if (isBreak(p.at())) {
    p.cache(2);
    p.skipLine();
  }
  return token;
}

function scanDirectiveName(p: Scanner, start: Mark): string {
  p.cache(1);
  let s = "";
  while (isAlpha(p.at())) {
    s += p.read();
    p.cache(1);
  }
  if (s === "")
    throw p.error("while scanning a directive", start, "could not find expected directive name");
  if (!isBlankZ(p.at()))
    throw p.error(
      "while scanning a directive",
      start,
      "found unexpected non-alphabetical character",
    );
  return s;
}

/** The major number skips the blanks before it (yaml_parser_scan_version_directive_value). */
function scanVersionDirectiveNumber(p: Scanner, start: Mark, major: boolean): number {
  if (major) p.skipBlanks();
  p.cache(1);
  let value = 0;
  let length = 0;
  while (isDigit(p.at())) {
    length += 1;
    if (length > 2)
      throw p.error(
        "while scanning a %YAML directive",
        start,
        "found extremely long version number",
      );
    value = value * 10 + (p.at() - CH.zero);
    p.skip();
    p.cache(1);
  }
  if (length === 0)
    throw p.error(
      "while scanning a %YAML directive",
      start,
      "did not find expected version number",
    );
  return value;
}

const ANCHOR_END = new Set<number>([
  CH.question,
  CH.colon,
  CH.comma,
  CH.rbracket,
  CH.rbrace,
  CH.percent,
  CH.at,
  CH.backtick,
]);

export function scanAnchor(p: Scanner, type: TokType): Token {
  const start = p.here();
  p.skip();
  p.cache(1);
  let s = "";
  while (isAlpha(p.at())) {
    s += p.read();
    p.cache(1);
  }
  const end = p.here();
  if (s === "" || !(isBlankZ(p.at()) || ANCHOR_END.has(p.at())))
    throw p.error(
      type === Tok.ANCHOR ? "while scanning an anchor" : "while scanning an alias",
      start,
      "did not find expected alphabetic or numeric character",
    );
  return { type, start, end, value: s };
}

export function scanTag(p: Scanner): Token {
  const start = p.here();
  let handle: string;
  let suffix: string;
  p.cache(2);
  if (p.at(1) === CH.lt) {
    handle = "";
    p.skip();
    p.skip();
    suffix = scanTagUri(p, false, "", start);
    if (p.at() !== CH.gt)
      throw p.error("while scanning a tag", start, "did not find the expected '>'");
    p.skip();
  } else {
    handle = scanTagHandle(p, false, start);
    if (handle.startsWith("!") && handle.length > 1 && handle.endsWith("!")) {
      suffix = scanTagUri(p, false, "", start);
    } else {
      suffix = scanTagUri(p, false, handle, start);
      handle = "!";
      if (suffix === "") [handle, suffix] = [suffix, handle];
    }
  }
  p.cache(1);
  if (!isBlankZ(p.at()))
    throw p.error("while scanning a tag", start, "did not find expected whitespace or line break");
  return { type: Tok.TAG, start, end: p.here(), value: handle, suffix };
}

function tagError(p: Scanner, directive: boolean, start: Mark, problem: string): Error {
  return p.error(
    directive ? "while parsing a %TAG directive" : "while parsing a tag",
    start,
    problem,
  );
}

function scanTagHandle(p: Scanner, directive: boolean, start: Mark): string {
  p.cache(1);
  if (p.at() !== CH.bang) throw tagError(p, directive, start, "did not find expected '!'");
  let s = p.read();
  p.cache(1);
  while (isAlpha(p.at())) {
    s += p.read();
    p.cache(1);
  }
  if (p.at() === CH.bang) s += p.read();
  else if (directive && s !== "!") throw tagError(p, directive, start, "did not find expected '!'");
  return s;
}

const URI_CHARS = new Set(
  [
    ";",
    "/",
    "?",
    ":",
    "@",
    "&",
    "=",
    "+",
    "$",
    ",",
    ".",
    "!",
    "~",
    "*",
    "'",
    "(",
    ")",
    "[",
    "]",
    "%",
  ].map((c) => c.charCodeAt(0)),
);

/** The URI of a tag; `head` is a handle read before it that turned out to be part of it. */
function scanTagUri(p: Scanner, directive: boolean, head: string, start: Mark): string {
  let s = head.length > 1 ? head.slice(1) : "";
  let hasTag = head.length > 0;
  p.cache(1);
  while (isAlpha(p.at()) || URI_CHARS.has(p.at())) {
    if (p.at() === CH.percent) s += scanUriEscapes(p, directive, start);
    else s += p.read();
    p.cache(1);
    hasTag = true;
  }
  if (!hasTag) throw tagError(p, directive, start, "did not find expected tag URI");
  return s;
}

/** One %-escaped UTF-8 character; its bytes are checked for shape as libyaml does, then decoded. */
function scanUriEscapes(p: Scanner, directive: boolean, start: Mark): string {
  const octets: number[] = [];
  let w = 1024;
  while (w > 0) {
    p.cache(3);
    if (!(p.at() === CH.percent && isHex(p.at(1)) && isHex(p.at(2))))
      throw tagError(p, directive, start, "did not find URI escaped octet");
    const octet = (asHex(p.at(1)) << 4) + asHex(p.at(2));
    if (w === 1024) {
      w =
        octet < 0x80
          ? 1
          : (octet & 0xe0) === 0xc0
            ? 2
            : (octet & 0xf0) === 0xe0
              ? 3
              : (octet & 0xf8) === 0xf0
                ? 4
                : 0;
      if (w === 0) throw tagError(p, directive, start, "found an incorrect leading UTF-8 octet");
    } else if ((octet & 0xc0) !== 0x80)
      throw tagError(p, directive, start, "found an incorrect trailing UTF-8 octet");
    octets.push(octet);
    p.skip();
    p.skip();
    p.skip();
    w -= 1;
  }
  return Buffer.from(octets).toString("utf8");
}
