import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { printable } from "../../base/printable";
import { DataKey, DnsSubdomain } from "./schemas";
import { SecretString } from "./secret-string";
import { checkedSecretValue, secretFromValue } from "./secret-value";

/**
 * Who enrolls with the token: a tunneler identity (enrollment method `ott`) or an edge router
 * (`erott`). Handing a router token to a tunneler, or the reverse, fails only at enrollment time
 * in the pod, so it is caught here.
 */
export type EnrollmentKind = "identity" | "router";
const ENROLLMENT_METHODS: Record<EnrollmentKind, readonly string[]> = {
  identity: ["ott"],
  router: ["erott"],
};

/**
 * Where the tunneler images' entrypoints look for `<basename>.jwt` when no enrolled identity exists
 * yet (openziti/ziti-edge-tunnel, ziti-host and ziti-tunnel alike), so a Secret mounted here is
 * enrolled on first start.
 */
export const ENROLLMENT_TOKEN_DIR = "/var/run/secrets/netfoundry.io/enrollment-token";

/** What a Secret holding an identity contains. */
export type IdentityContents = "jwt" | "json";

/** The Secret key zeroport writes each kind of identity under. */
export const IDENTITY_KEYS: Record<IdentityContents, string> = {
  jwt: "enrollment.jwt",
  json: "identity.json",
};

/** The identity after validation: a value to put in a new Secret, or an existing Secret. */
export type ResolvedIdentity =
  | { source: "value"; contents: IdentityContents; value: SecretString }
  | { source: "existingSecret"; contents: IdentityContents; name: string; key: string };

/**
 * The identity input every OpenZiti component takes: exactly one of
 * - `jwt`: a one-time enrollment token (`ziti edge create identity … --jwt-output-file`),
 * - `json`: an enrolled identity (`ziti edge enroll`), or
 * - `existingSecret`: a Secret already in the namespace (`name`, `key`, and whether it holds `json`
 *   or a `jwt`).
 * Values become a Pulumi secret and a Kubernetes Secret; pods never see them inline.
 */
export function zitiIdentityArgs(kind: EnrollmentKind) {
  return z
    .object({
      jwt: SecretString.optional().describe("A one-time enrollment JWT."),
      json: SecretString.optional().describe("An enrolled identity JSON document."),
      existingSecret: z
        .object({
          name: DnsSubdomain.describe("The Secret's name, in the component's namespace."),
          key: DataKey.optional().describe(
            "The data key (default `identity.json` or `enrollment.jwt`).",
          ),
          contents: z
            .enum(["json", "jwt"])
            .default("json")
            .describe("Whether the key holds an enrolled identity JSON or an enrollment JWT."),
        })
        .strict()
        .optional(),
    })
    .strict()
    .superRefine((id, ctx) => {
      const given = (["jwt", "json", "existingSecret"] as const).filter((k) => id[k] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: "custom",
          path: [],
          message:
            given.length === 0
              ? "set exactly one of `jwt`, `json` or `existingSecret`"
              : `set exactly one of \`jwt\`, \`json\` or \`existingSecret\` (got ${given.map((g) => `\`${g}\``).join(" and ")})`,
        });
      }
      if (typeof id.jwt === "string") {
        for (const message of enrollmentJwtProblems(id.jwt, kind))
          ctx.addIssue({ code: "custom", path: ["jwt"], message });
      }
      if (typeof id.json === "string") {
        for (const message of identityJsonProblems(id.json))
          ctx.addIssue({ code: "custom", path: ["json"], message });
      }
    })
    .transform((id): ResolvedIdentity => {
      if (id.existingSecret) {
        const { name, contents, key } = id.existingSecret;
        return { source: "existingSecret", name, contents, key: key ?? IDENTITY_KEYS[contents] };
      }
      if (id.jwt !== undefined) return { source: "value", contents: "jwt", value: id.jwt };
      return { source: "value", contents: "json", value: id.json ?? "" };
    });
}

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Why a string is not a usable enrollment token, or `[]`. Never echoes the token. Expiry is not
 * checked: once enrolled, the identity lives on a volume and the spent token stays in config.
 */
export function enrollmentJwtProblems(token: string, kind: EnrollmentKind): string[] {
  const segments = token.trim().split(".");
  if (segments.length !== 3 || !segments.every((s) => /^[A-Za-z0-9_-]+$/.test(s))) {
    return ["must be a JWT: three non-empty base64url segments separated by '.'"];
  }
  const header = decodeSegment(segments[0] ?? "");
  const payload = decodeSegment(segments[1] ?? "");
  if (!isObject(header) || typeof header.alg !== "string") {
    return ["must be a JWT whose first segment is a JSON header with `alg`"];
  }
  if (!isObject(payload)) return ["must be a JWT whose second segment is a JSON claims object"];
  const allowed = ENROLLMENT_METHODS[kind];
  if (typeof payload.em === "string" && !allowed.includes(payload.em)) {
    // The claim is the token's text: printed escaped and cut short, so it can forge no line.
    const what =
      payload.em === "erott"
        ? "an edge router"
        : `enrollment method \`${printable(payload.em, 32)}\``;
    return [
      `is an enrollment token for ${what}; this component needs one with method ${allowed.map((m) => `\`${m}\``).join(" or ")}`,
    ];
  }
  return [];
}

/** Why a string is not an enrolled identity a tunneler can load, or `[]`. Never echoes it. */
export function identityJsonProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const hint =
      text.trim().split(".").length === 3 ? " (it looks like a JWT: pass it as `jwt`)" : "";
    return [`must be an enrolled identity JSON document; it does not parse as JSON${hint}`];
  }
  if (!isObject(doc)) return ["must be an enrolled identity JSON object"];
  const problems: string[] = [];
  const urls = [doc.ztAPI, ...(Array.isArray(doc.ztAPIs) ? (doc.ztAPIs as unknown[]) : [])];
  if (!urls.some((u) => typeof u === "string" && /^https:\/\/\S+$/.test(u))) {
    problems.push("must have `ztAPI` (or `ztAPIs`): the controller's https client API URL");
  }
  const id = isObject(doc.id) ? doc.id : {};
  const missing = ["cert", "key", "ca"].filter((f) => typeof id[f] !== "string" || id[f] === "");
  if (missing.length > 0) {
    problems.push(
      `must have ${missing.map((f) => `\`id.${f}\``).join(", ")} (the identity's certificate, key and CA bundle)`,
    );
  }
  return problems;
}

/** The identity value as an Output checked when it resolves, with the rules for plain strings. */
export function checkIdentityValue(
  value: SecretString,
  contents: IdentityContents,
  kind: EnrollmentKind,
  subject: string,
): pulumi.Output<string> {
  const check =
    contents === "jwt" ? (v: string) => enrollmentJwtProblems(v, kind) : identityJsonProblems;
  return checkedSecretValue(value, check, `identity.${contents}`, subject);
}

/**
 * What a validated identity holds, or undefined while it is still the raw input (zod runs an
 * object's own checks even after a field failed a refinement, before that field was transformed).
 */
export function identityContents(
  identity: ResolvedIdentity | Record<string, unknown>,
): IdentityContents | undefined {
  return "source" in identity ? (identity as ResolvedIdentity).contents : undefined;
}

/** A reference to the Secret that holds an identity, as pods consume it. */
export interface IdentitySecretRef {
  name: pulumi.Output<string>;
  /** The Secret's name as a plain string, for pod specs built outside the engine (transforms). */
  plainName: string;
  key: string;
  contents: IdentityContents;
  /** True when the user brought the Secret (zeroport neither owns nor rewrites it). */
  existing: boolean;
  secret?: k8s.core.v1.Secret;
}

/**
 * Puts an identity value into a new Secret (its data a Pulumi secret), or refers to the user's.
 * Output values are checked when they resolve, with the same rules as plain strings.
 */
export function ensureIdentitySecret(
  identity: ResolvedIdentity,
  args: {
    /** The resource and Secret name, such as `<component>-identity`. */
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    kind: EnrollmentKind;
    subject: string;
    parent: pulumi.Resource;
  },
): IdentitySecretRef {
  if (identity.source === "existingSecret") {
    return {
      name: pulumi.output(identity.name),
      plainName: identity.name,
      key: identity.key,
      contents: identity.contents,
      existing: true,
    };
  }
  const key = IDENTITY_KEYS[identity.contents];
  const checked = checkIdentityValue(identity.value, identity.contents, args.kind, args.subject);
  const secret = secretFromValue(
    args.name,
    { secretName: args.name, namespace: args.namespace, labels: args.labels, key, value: checked },
    args.parent,
  );
  return {
    name: secret.metadata.name,
    plainName: args.name,
    key,
    contents: identity.contents,
    existing: false,
    secret,
  };
}
