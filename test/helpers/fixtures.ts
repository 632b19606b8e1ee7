// Made-up but well-formed identity material for tests, and readers of recorded fixtures.
import { readFileSync } from "node:fs";
import { join } from "node:path";

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An enrollment JWT with the claims OpenZiti puts in one (method `em`, issuer, token id). */
export function jwt(claims: Record<string, unknown> = {}, signature = "c2lnbmF0dXJl"): string {
  const payload = {
    em: "ott",
    iss: "https://ctrl.test:1280",
    jti: "6e1a3b7c",
    sub: "id-1",
    ...claims,
  };
  return `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url(payload)}.${signature}`;
}

/** An enrolled identity document as `ziti edge enroll` writes it. */
export function identityJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ztAPI: "https://ctrl.test:1280/edge/client/v1",
    id: {
      cert: "pem:-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      key: "pem:-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n",
      ca: "pem:-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
    },
    configTypes: null,
    ...overrides,
  });
}

/** The listen calls of `ziti tunnel proxy` as Linux answered them (test/fixtures/ziti-proxy-bind). */
export function proxyBindRecords(): { case: string; outcome: string }[] {
  const file = join(__dirname, "..", "fixtures", "ziti-proxy-bind", "recorded.json");
  return (
    JSON.parse(readFileSync(file, "utf8")) as { records: { case: string; outcome: string }[] }
  ).records;
}
