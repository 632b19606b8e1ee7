// Error lines are printed to terminals and CI logs: a token that lands where a field name goes
// (a mapping key) must not be printed, and no key can break or forge a line.
import { formatPath, looksLikeCredential, shownKey } from "../../../components/core/issues";
import { ZitiHost } from "../../../components/ziti/ziti-host";
import type { ZeroportInputError } from "../../../components/core/validation";
import { identityJson, jwt } from "../../helpers/fixtures";

const TOKEN = jwt();

describe("keys in error paths", () => {
  test("a key shaped like a credential is shown by its length only", () => {
    expect(shownKey(TOKEN)).toBe(`<a ${TOKEN.length}-character key, not shown>`);
    expect(formatPath(["identity", TOKEN])).toBe(
      `identity["<a ${TOKEN.length}-character key, not shown>"]`,
    );
    expect(formatPath(["labels", "-----BEGIN PRIVATE KEY-----"])).toBe(
      'labels["<a 27-character key, not shown>"]',
    );
  });

  test("other keys stay readable, on one line, cut at 64 characters", () => {
    expect(formatPath(["labels", "app.kubernetes.io/name"])).toBe(
      'labels["app.kubernetes.io/name"]',
    );
    expect(formatPath(["labels", 'a"b\nzeroport: forged\u2028'])).toBe(
      'labels["a\\"b\\u{a}zeroport: forged\\u{2028}"]',
    );
    expect(formatPath(["x".repeat(80)])).toBe(`["${"x".repeat(64)}…"]`);
  });

  test.each([
    [TOKEN, true],
    ["-----BEGIN CERTIFICATE-----", true],
    ["QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn", true],
    ["app.kubernetes.io/name", false],
    ["topology.kubernetes.io/zone", false],
    ["example.com/very-long-but-ordinary-label-name", false],
  ])("looksLikeCredential(%j) is %s", (text, expected) => {
    expect(looksLikeCredential(text)).toBe(expected);
  });

  test("a component given a JWT as an identity, label and nodeSelector key never prints it", () => {
    let error: unknown;
    try {
      new ZitiHost("web", {
        namespace: "apps",
        identity: { json: identityJson(), [TOKEN]: "x" },
        labels: { [TOKEN]: "x" },
        nodeSelector: { [TOKEN]: "x" },
      });
    } catch (e) {
      error = e;
    }
    const e = error as ZeroportInputError;
    const shown = `["<a ${TOKEN.length}-character key, not shown>"]`;
    expect(e.issues.map((i) => i.path)).toEqual([
      `identity${shown}`,
      `labels${shown}`,
      `nodeSelector${shown}`,
    ]);
    for (const part of TOKEN.split(".")) expect(e.message).not.toContain(part);
  });
});
