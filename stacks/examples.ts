// Made-up identity material so that every blueprint's example renders. None of it enrolls or
// authenticates anywhere: replace it with your own (see the README).

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A well-formed one-time enrollment token for an identity (`ziti edge create identity … --jwt-output-file`). */
export const EXAMPLE_JWT = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({
  em: "ott",
  iss: "https://ziti.example.com:1280",
  jti: "00000000-0000-4000-8000-000000000000",
  sub: "example",
})}.ZXhhbXBsZS1zaWduYXR1cmU`;

/** A well-formed one-time enrollment token for an edge router (`ziti edge create edge-router … --jwt-output-file`). */
export const EXAMPLE_ROUTER_JWT = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({
  em: "erott",
  iss: "https://ziti.example.com:1280",
  jti: "00000000-0000-4000-8000-000000000001",
  sub: "example-router",
})}.ZXhhbXBsZS1zaWduYXR1cmU`;

/** A well-formed enrolled identity (`ziti edge enroll`), with placeholder PEM blocks. */
export const EXAMPLE_IDENTITY_JSON = JSON.stringify({
  ztAPI: "https://ziti.example.com:1280/edge/client/v1",
  id: {
    cert: "pem:-----BEGIN CERTIFICATE-----\nexample\n-----END CERTIFICATE-----\n",
    key: "pem:-----BEGIN PRIVATE KEY-----\nexample\n-----END PRIVATE KEY-----\n",
    ca: "pem:-----BEGIN CERTIFICATE-----\nexample\n-----END CERTIFICATE-----\n",
  },
});

/** A root permit's shape (`ztm root --names …`), with placeholder PEM blocks. */
export function examplePermit(bootstraps: string[]): string {
  const pem = (kind: string) => `-----BEGIN ${kind}-----\nexample\n-----END ${kind}-----\n`;
  return JSON.stringify({
    ca: pem("CERTIFICATE"),
    agent: { certificate: pem("CERTIFICATE"), privateKey: pem("PRIVATE KEY") },
    bootstraps,
  });
}
