/**
 * Text from outside (a token's claims, a server's message) made safe to print on one line: control,
 * format and line-separator characters become `\u{…}` escapes, so that it can neither end the
 * line nor forge another, and it is cut to `max` characters.
 */
export function printable(text: string, max = 200): string {
  const chars = [...text];
  const cut = chars.length > max ? `${chars.slice(0, max).join("")}…` : text;
  return cut.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u{${c.codePointAt(0)?.toString(16) ?? "?"}}`,
  );
}
