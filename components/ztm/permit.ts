import { z } from "zod";
import { DataKey, DnsSubdomain } from "../core/schemas";
import { SecretString, StringInput } from "../core/secret-string";
import { parseHostPort } from "./common";

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----/;

/**
 * Why a text is not a ZTM permit this component can use, or `[]`. Never echoes it. Only root
 * permits carry a private key, and the agent uses a permit's key only for the root user; a
 * non-root permit works only on the agent whose own key was signed, so it is refused here.
 */
export function permitProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return ["must be a ZTM permit (JSON); it does not parse"];
  }
  const p = (typeof doc === "object" && doc !== null ? doc : {}) as {
    ca?: unknown;
    agent?: { certificate?: unknown; privateKey?: unknown };
    bootstraps?: unknown;
  };
  const problems: string[] = [];
  if (typeof p.ca !== "string" || !PEM.test(p.ca))
    problems.push("must have `ca`, the mesh CA certificate (PEM)");
  if (typeof p.agent?.certificate !== "string" || !PEM.test(p.agent.certificate))
    problems.push("must have `agent.certificate` (PEM)");
  if (typeof p.agent?.privateKey !== "string" || !PEM.test(p.agent.privateKey)) {
    problems.push(
      "must have `agent.privateKey`: only root permits (`ztm root`, or the hub's --permit file) carry one, and the agent ignores a permit's key for any other user",
    );
  }
  const boots = Array.isArray(p.bootstraps) ? (p.bootstraps as unknown[]) : [];
  if (boots.length === 0 || !boots.every((b) => typeof b === "string" && parseHostPort(b))) {
    problems.push("must have `bootstraps`: the hub addresses, as host:port");
  }
  return problems;
}

/**
 * The permit an agent joins with: a value (made a Secret), an existing Secret holding one, or a
 * cert-manager certificate Secret (tls.crt, tls.key, ca.crt) the pod assembles a permit from.
 */
export const PermitArgs = z
  .object({
    json: SecretString.optional().describe("A root permit (JSON)."),
    existingSecret: z
      .object({ name: DnsSubdomain, key: DataKey.default("permit.json") })
      .strict()
      .optional(),
    fromCertificate: z
      .object({
        secretName: DnsSubdomain.describe(
          "A kubernetes.io/tls Secret with ca.crt, such as ZtmMeshCa's root user Secret.",
        ),
        bootstraps: z
          .array(z.string().refine((b) => parseHostPort(b) !== undefined, "must be host:port"))
          .min(1, "must list the hub addresses, as host:port"),
        revision: StringInput.optional().describe(
          "Changes whenever the certificate is issued again, such as ZtmProgramCa's permitRevisions[<permit>]: a change restarts the agent, which reads its permit only when it starts.",
        ),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const given = [p.json, p.existingSecret, p.fromCertificate].filter(
      (v) => v !== undefined,
    ).length;
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "set exactly one of `json`, `existingSecret` or `fromCertificate`",
      });
    }
    if (typeof p.json === "string") {
      for (const message of permitProblems(p.json))
        ctx.addIssue({ code: "custom", path: ["json"], message });
    }
  });
