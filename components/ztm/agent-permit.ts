import type * as pulumi from "@pulumi/pulumi";
import { checkedSecretValue, secretFromValue } from "../core/secret-value";
import { containerSecurityContext } from "../core/security";
import type { ResolvedZtmAgentArgs } from "./agent";
import { ZTM_USER } from "./common";
import { permitProblems } from "./permit";

/** Builds permit.json from a cert-manager Secret, in memory, before the agent starts. */
export const ASSEMBLE_PERMIT = [
  "node",
  "-e",
  [
    'const fs = require("fs");',
    'const read = (f) => fs.readFileSync("/cert/" + f, "utf8");',
    'const permit = { ca: read("ca.crt"), agent: { certificate: read("tls.crt"), privateKey: read("tls.key") }, bootstraps: JSON.parse(process.env.ZTM_BOOTSTRAPS) };',
    'fs.writeFileSync("/permit/permit.json", JSON.stringify(permit), { mode: 0o600 });',
  ].join(" "),
];

/** Where the agent's permit comes from, as pod volumes (and an init container that assembles it). */
export function permitVolume(
  name: string,
  a: ResolvedZtmAgentArgs,
  namespace: pulumi.Input<string>,
  labels: Record<string, string>,
  parent: pulumi.Resource,
) {
  const fromSecret = (secretName: pulumi.Input<string>, key: string) => ({
    volumes: [
      {
        name: "permit",
        secret: { secretName, defaultMode: 0o440, items: [{ key, path: "permit.json" }] },
      },
    ],
    assemble: undefined,
  });
  if (a.permit.existingSecret)
    return fromSecret(a.permit.existingSecret.name, a.permit.existingSecret.key);
  const cert = a.permit.fromCertificate;
  if (cert) {
    return {
      volumes: [
        // The assembled permit holds the private key: memory only, never the node's disk.
        { name: "permit", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        { name: "cert", secret: { secretName: cert.secretName, defaultMode: 0o440 } },
      ],
      assemble: (image: string) => ({
        name: "assemble-permit",
        image,
        imagePullPolicy: "IfNotPresent",
        command: ASSEMBLE_PERMIT,
        env: [{ name: "ZTM_BOOTSTRAPS", value: JSON.stringify(cert.bootstraps) }],
        volumeMounts: [
          { name: "cert", mountPath: "/cert", readOnly: true },
          { name: "permit", mountPath: "/permit" },
        ],
        resources: {
          requests: { cpu: "5m", memory: "32Mi" },
          limits: { cpu: "100m", memory: "96Mi" },
        },
        securityContext: containerSecurityContext(ZTM_USER),
      }),
    };
  }
  const secret = secretFromValue(
    `${name}-permit`,
    {
      secretName: `${name}-permit`,
      namespace,
      labels,
      key: "permit.json",
      value: checkedSecretValue(
        a.permit.json ?? "",
        permitProblems,
        "permit.json",
        `ZtmAgent ${name}`,
      ),
    },
    parent,
  );
  return fromSecret(secret.metadata.name, "permit.json");
}
