import { printable } from "../../base/printable";

describe("printable", () => {
  test("escapes what could end or forge a line, and cuts long text", () => {
    expect(printable("ott\nzeroport: all clear")).toBe("ott\\u{a}zeroport: all clear");
    expect(printable("a\u0085b\u2028c\u202ed\u0000")).toBe("a\\u{85}b\\u{2028}c\\u{202e}d\\u{0}");
    expect(printable("x".repeat(40), 32)).toBe(`${"x".repeat(32)}…`);
    expect(printable("ünïcödé 名前")).toBe("ünïcödé 名前");
  });
});
