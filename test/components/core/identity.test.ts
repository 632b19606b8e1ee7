import * as fc from "fast-check";
import {
  enrollmentJwtProblems,
  identityJsonProblems,
  zitiIdentityArgs,
} from "../../../components/core/identity";
import type { ZeroportInputError } from "../../../components/core/validation";
import { parseArgs } from "../../../components/core/validation";
import { identityJson, jwt } from "../../helpers/fixtures";

const schema = zitiIdentityArgs("identity");

function issues(input: unknown): string[] {
  try {
    parseArgs(schema, input, "test");
    return [];
  } catch (e) {
    return (e as ZeroportInputError).issues.map((i) => `${i.path}: ${i.reason}`);
  }
}

describe("enrollment JWTs", () => {
  test("accepts a well-formed identity token", () => {
    expect(enrollmentJwtProblems(jwt(), "identity")).toEqual([]);
    expect(enrollmentJwtProblems(`  ${jwt()}\n`, "identity")).toEqual([]);
  });

  test.each([
    ["two segments", "aGVhZGVy.cGF5bG9hZA"],
    ["an empty signature", `${jwt().split(".").slice(0, 2).join(".")}.`],
    ["characters outside base64url", "a+b.c/d.e=f"],
  ])("rejects %s", (_, token) => {
    expect(enrollmentJwtProblems(token, "identity")).toEqual([
      "must be a JWT: three non-empty base64url segments separated by '.'",
    ]);
  });

  test("rejects a header that is not JSON with alg", () => {
    const token = `${Buffer.from("{}").toString("base64url")}.${jwt().split(".")[1]}.c2ln`;
    expect(enrollmentJwtProblems(token, "identity")).toEqual([
      "must be a JWT whose first segment is a JSON header with `alg`",
    ]);
  });

  test("rejects claims that are not a JSON object", () => {
    const [header] = jwt().split(".");
    expect(
      enrollmentJwtProblems(
        `${header}.${Buffer.from("[1]").toString("base64url")}.c2ln`,
        "identity",
      ),
    ).toEqual(["must be a JWT whose second segment is a JSON claims object"]);
  });

  test("tells a router token from an identity token", () => {
    expect(enrollmentJwtProblems(jwt({ em: "erott" }), "identity")).toEqual([
      "is an enrollment token for an edge router; this component needs one with method `ott`",
    ]);
    expect(enrollmentJwtProblems(jwt({ em: "ott" }), "router")).toEqual([
      "is an enrollment token for enrollment method `ott`; this component needs one with method `erott`",
    ]);
    expect(enrollmentJwtProblems(jwt({ em: "erott" }), "router")).toEqual([]);
  });

  test("an enrollment method claim is echoed escaped and short: it cannot forge a line", () => {
    const em = `x\nzeroport: ZitiHost web: ok${"A".repeat(5000)}`;
    expect(enrollmentJwtProblems(jwt({ em }), "identity")).toEqual([
      "is an enrollment token for enrollment method `x\\u{a}zeroport: ZitiHost web: okAAAA…`; this component needs one with method `ott`",
    ]);
  });
});

describe("identity JSON", () => {
  test("accepts an enrolled identity", () => {
    expect(identityJsonProblems(identityJson())).toEqual([]);
    expect(
      identityJsonProblems(
        identityJson({ ztAPI: undefined, ztAPIs: ["https://a:1280/edge/client/v1"] }),
      ),
    ).toEqual([]);
  });

  test("names what is missing", () => {
    expect(
      identityJsonProblems(JSON.stringify({ ztAPI: "http://plain", id: { cert: "c" } })),
    ).toEqual([
      "must have `ztAPI` (or `ztAPIs`): the controller's https client API URL",
      "must have `id.key`, `id.ca` (the identity's certificate, key and CA bundle)",
    ]);
  });

  test("hints when a JWT was passed as JSON", () => {
    expect(identityJsonProblems(jwt())).toEqual([
      "must be an enrolled identity JSON document; it does not parse as JSON (it looks like a JWT: pass it as `jwt`)",
    ]);
    expect(identityJsonProblems("[]")).toEqual(["must be an enrolled identity JSON object"]);
  });

  test("never repeats the secret in a message", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8 }), (text) => {
        const secret = `S3CR3T${text}`;
        const messages = [
          ...identityJsonProblems(secret),
          ...identityJsonProblems(JSON.stringify({ ztAPI: secret, id: { key: secret } })),
          ...enrollmentJwtProblems(secret, "identity"),
          ...issues({ jwt: secret }),
          ...issues({ json: secret }),
        ];
        return messages.every((m) => !m.includes(secret));
      }),
    );
  });
});

describe("the identity input", () => {
  test("takes exactly one source", () => {
    expect(issues({})).toEqual([": set exactly one of `jwt`, `json` or `existingSecret`"]);
    expect(issues({ jwt: jwt(), json: identityJson() })).toEqual([
      ": set exactly one of `jwt`, `json` or `existingSecret` (got `jwt` and `json`)",
    ]);
    expect(issues({ token: "x" })).toEqual([
      "token: is not a known field; allowed here: jwt, json, existingSecret",
      ": set exactly one of `jwt`, `json` or `existingSecret`",
    ]);
  });

  test("resolves each source", () => {
    expect(parseArgs(schema, { jwt: jwt() }, "t")).toEqual({
      source: "value",
      contents: "jwt",
      value: jwt(),
    });
    expect(parseArgs(schema, { existingSecret: { name: "id" } }, "t")).toEqual({
      source: "existingSecret",
      contents: "json",
      name: "id",
      key: "identity.json",
    });
    expect(parseArgs(schema, { existingSecret: { name: "id", contents: "jwt" } }, "t")).toEqual({
      source: "existingSecret",
      contents: "jwt",
      name: "id",
      key: "enrollment.jwt",
    });
  });

  test("validates an existing Secret's name and key", () => {
    expect(issues({ existingSecret: { name: "Bad Name", key: "a/b" } })).toEqual([
      "existingSecret.name: must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
      "existingSecret.key: must consist of letters, digits, '-', '_' or '.'",
    ]);
  });
});
