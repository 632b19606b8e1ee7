/**
 * libyaml's character classes (go.yaml.in/yaml/v2 v2.4.3 yamlprivateh.go), over code points
 * instead of UTF-8 bytes: every test there looks at one whole character, so each is the same test.
 */

/** The characters the scanner names, as code points. */
export const CH = {
  tab: 0x09,
  lf: 0x0a,
  cr: 0x0d,
  space: 0x20,
  bang: 0x21,
  dquote: 0x22,
  hash: 0x23,
  dollar: 0x24,
  percent: 0x25,
  amp: 0x26,
  squote: 0x27,
  lparen: 0x28,
  rparen: 0x29,
  star: 0x2a,
  plus: 0x2b,
  comma: 0x2c,
  dash: 0x2d,
  dot: 0x2e,
  slash: 0x2f,
  zero: 0x30,
  colon: 0x3a,
  semicolon: 0x3b,
  lt: 0x3c,
  eq: 0x3d,
  gt: 0x3e,
  question: 0x3f,
  at: 0x40,
  lbracket: 0x5b,
  backslash: 0x5c,
  rbracket: 0x5d,
  underscore: 0x5f,
  backtick: 0x60,
  lbrace: 0x7b,
  pipe: 0x7c,
  rbrace: 0x7d,
  tilde: 0x7e,
  nel: 0x85,
  ls: 0x2028,
  ps: 0x2029,
  bom: 0xfeff,
} as const;

export function isAlpha(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === CH.underscore ||
    c === CH.dash
  );
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function asHex(c: number): number {
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return c - 0x30;
}

export function isBlank(c: number): boolean {
  return c === CH.space || c === CH.tab;
}

/** CR, LF, NEL, LS and PS: libyaml's line breaks. */
export function isBreak(c: number): boolean {
  return c === CH.cr || c === CH.lf || c === CH.nel || c === CH.ls || c === CH.ps;
}

export function isBreakZ(c: number): boolean {
  return c === 0 || isBreak(c);
}

export function isBlankZ(c: number): boolean {
  return c === CH.space || c === CH.tab || isBreakZ(c);
}

/** The characters libyaml's reader lets through; any other is "control characters are not allowed". */
export function isAllowed(c: number): boolean {
  return (
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** The length of a code point in UTF-8, which is what the reader's 512-byte blocks count. */
export function utf8Width(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return 1; // a malformed byte kept by reader/input.ts
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}
