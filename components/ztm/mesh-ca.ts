import * as k8s from "@pulumi/kubernetes";
import { CertManager } from "@pulumi/kubernetes-cert-manager";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NamespaceArgs } from "../core/namespace";
import { DnsSubdomain, Labels } from "../core/schemas";
import { parseArgs } from "../core/validation";
import { scaffold } from "../core/scaffold";
import { ZtmName } from "./common";

export const ZTM_MESH_CA_TYPE = "zeroport:ztm:ZtmMeshCa";
const Duration = z.string().regex(/^\d+h$/, "must be a duration in hours, such as 8760h");

/** The arguments of {@link ZtmMeshCa}. */
export const ZtmMeshCaArgsSchema = z
  .object({
    namespace: NamespaceArgs.describe(
      "Where the CA and user certificates (Secrets) live: the hub's and agents' namespace.",
    ),
    installCertManager: z
      .boolean()
      .default(false)
      .describe(
        "Install cert-manager (with its CRDs) through @pulumi/kubernetes-cert-manager first.",
      ),
    issuer: z
      .object({
        kind: z.enum(["Issuer", "ClusterIssuer"]).default("ClusterIssuer"),
        name: DnsSubdomain,
      })
      .strict()
      .optional()
      .describe(
        "An existing issuer that signs the mesh CA; unset: a self-signed issuer is created.",
      ),
    users: z
      .array(ZtmName)
      .min(1)
      .default(["root"])
      .superRefine((users, ctx) => {
        users.forEach((u, i) => {
          if (u !== "root") {
            ctx.addIssue({
              code: "custom",
              path: [i],
              message:
                "must be `root`: a ZTM agent uses a permit's private key only for the root user, and signs every other user's certificate request with the key in its own database, so a key issued here would be ignored",
            });
          }
        });
      })
      .describe(
        "The users to issue certificates for (CN=<user>); root only, see the error for why.",
      ),
    duration: Duration.default("8760h"),
    renewBefore: Duration.default("720h"),
    labels: Labels.default({}),
  })
  .strict();

export type ZtmMeshCaArgs = z.input<typeof ZtmMeshCaArgsSchema>;
export type ResolvedZtmMeshCaArgs = z.output<typeof ZtmMeshCaArgsSchema>;

const CERT_MANAGER = "cert-manager.io/v1";

/**
 * The mesh CA (CN=ca) and user certificates (CN=<user>) issued by cert-manager, so the CA is
 * created once, kept in a Secret and renewed, instead of the one-year CA `ztm run hub` makes.
 * The hub imports it (`ZtmHub` `ca.existingSecret`); agents build their permits from a user's
 * Secret (`ZtmAgent` `permit.fromCertificate`).
 */
export class ZtmMeshCa extends pulumi.ComponentResource {
  /** The Secret holding the CA (tls.crt, tls.key): for `ZtmHub` `ca.existingSecret`. */
  readonly caSecretName: string;
  /** Each user's certificate Secret (tls.crt, tls.key, ca.crt): for `ZtmAgent` `permit.fromCertificate`. */
  readonly userSecretNames: Record<string, string>;

  constructor(name: string, args: ZtmMeshCaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ZTM_MESH_CA_TYPE, name, {}, opts);
    const a = parseArgs(ZtmMeshCaArgsSchema, args, `ZtmMeshCa ${name}`, { name });
    const sc = scaffold(this, name, "ZtmMeshCa", "ztm-mesh-ca", a, "restricted");
    const { labels, ns } = sc;
    const dependsOn: pulumi.Resource[] = [];
    if (a.installCertManager) {
      dependsOn.push(
        new CertManager(`${name}-cert-manager`, { installCRDs: true }, { parent: this }),
      );
    }
    const custom = (
      resourceName: string,
      kind: string,
      spec: Record<string, unknown>,
      after: pulumi.Resource[] = dependsOn,
    ) =>
      new k8s.apiextensions.CustomResource(
        resourceName,
        {
          apiVersion: CERT_MANAGER,
          kind,
          metadata: { name: resourceName, namespace: ns.name, labels },
          spec,
        },
        { parent: this, dependsOn: after },
      );
    const signer = a.issuer ?? { kind: "Issuer", name: `${name}-selfsigned` };
    if (!a.issuer) custom(`${name}-selfsigned`, "Issuer", { selfSigned: {} });
    const rsa = { algorithm: "RSA", size: 2048, rotationPolicy: "Never" };
    this.caSecretName = `${name}-ca`;
    const ca = custom(`${name}-ca`, "Certificate", {
      isCA: true,
      commonName: "ca",
      secretName: this.caSecretName,
      // The CA key must not change on renewal, or every certificate it signed stops verifying.
      privateKey: rsa,
      duration: "87600h",
      renewBefore: "8760h",
      issuerRef: { kind: signer.kind, name: signer.name, group: "cert-manager.io" },
    });
    const caIssuer = custom(
      `${name}-ca-issuer`,
      "Issuer",
      { ca: { secretName: this.caSecretName } },
      [...dependsOn, ca],
    );
    this.userSecretNames = {};
    for (const user of a.users) {
      const secretName = `${name}-${user}`;
      this.userSecretNames[user] = secretName;
      // The agent imposes its permit's certificate at every start (`--join --permit`), so a
      // renewed certificate takes effect at the agent's next restart; renewBefore leaves that time.
      custom(
        secretName,
        "Certificate",
        {
          commonName: user,
          secretName,
          privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
          usages: ["client auth", "digital signature", "key encipherment"],
          duration: a.duration,
          renewBefore: a.renewBefore,
          issuerRef: { kind: "Issuer", name: `${name}-ca-issuer`, group: "cert-manager.io" },
        },
        [...dependsOn, caIssuer],
      );
    }
    this.registerOutputs({
      caSecretName: this.caSecretName,
      userSecretNames: this.userSecretNames,
    });
  }
}
