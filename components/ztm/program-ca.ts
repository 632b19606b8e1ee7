import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { revisionOf } from "../core/generated";
import { NamespaceArgs } from "../core/namespace";
import { DnsLabel, Labels } from "../core/schemas";
import { parseArgs } from "../core/validation";
import { scaffold } from "../core/scaffold";
import {
  CA_MATERIAL_GENERATOR,
  placeholderMaterial,
  type MaterialInputs,
} from "./program-ca-material";
import { caMaterialProvider, inputsOf } from "./program-ca-provider";

export const ZTM_PROGRAM_CA_TYPE = "zeroport:ztm:ZtmProgramCa";
const Hours = z.number().int().min(1).max(1_000_000);

/** The arguments of {@link ZtmProgramCa}. */
export const ZtmProgramCaArgsSchema = z
  .object({
    namespace: NamespaceArgs.describe(
      "Where the CA and permit Secrets live: the hub's and agents' namespace.",
    ),
    permits: z
      .array(DnsLabel)
      .min(1)
      .default(["agent"])
      .refine((p) => new Set(p).size === p.length, "must not repeat a name")
      .describe(
        "One root permit certificate (CN=root, a key of its own) per name, in the Secret <name>-<permit>; give each agent its own.",
      ),
    elsewhere: z
      .array(DnsLabel)
      .default([])
      .describe(
        "Permits issued without a Secret here, for agents in another namespace or cluster: make theirs there with permitSecret().",
      ),
    caHours: Hours.default(175_200).describe(
      "The mesh CA's lifetime in hours (20 years): agents' permits verify against it, so it outlives them by far.",
    ),
    caRenewBeforeHours: Hours.default(17_520).describe(
      "At the first `pulumi up` this close to its end, the CA certificate is signed again for the same key (the hub takes it as a renewal; permits keep verifying).",
    ),
    permitHours: Hours.default(8_760).describe(
      "Each permit certificate's lifetime in hours (1 year).",
    ),
    permitRenewBeforeHours: Hours.default(2_160).describe(
      "At the first `pulumi up` this close to its end (90 days), a permit is issued again with a new key and its agent restarts to take it.",
    ),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    a.elsewhere.forEach((p, i) => {
      if (a.permits.includes(p))
        ctx.addIssue({ code: "custom", path: ["elsewhere", i], message: "is also in permits" });
    });
    if (a.caRenewBeforeHours >= a.caHours)
      ctx.addIssue({
        code: "custom",
        path: ["caRenewBeforeHours"],
        message: "must be less than caHours",
      });
    if (a.permitRenewBeforeHours >= a.permitHours)
      ctx.addIssue({
        code: "custom",
        path: ["permitRenewBeforeHours"],
        message: "must be less than permitHours",
      });
    if (a.permitHours > a.caHours)
      ctx.addIssue({
        code: "custom",
        path: ["permitHours"],
        message: "must not exceed caHours: a permit cannot outlive its CA",
      });
  });

export type ZtmProgramCaArgs = z.input<typeof ZtmProgramCaArgsSchema>;

/** The dynamic resource holding the CA and permits in the stack's state, keys as secrets. */
class CaMaterial extends pulumi.dynamic.Resource {
  declare readonly caCertificate: pulumi.Output<string>;
  declare readonly caKey: pulumi.Output<string>;
  declare readonly caNotAfter: pulumi.Output<string>;
  declare readonly permitCertificates: pulumi.Output<Record<string, string>>;
  declare readonly permitKeys: pulumi.Output<Record<string, string>>;
  declare readonly permitNotAfter: pulumi.Output<Record<string, string>>;
  constructor(name: string, inputs: MaterialInputs, opts: pulumi.CustomResourceOptions) {
    // Every output named (undefined until the provider answers), from the material's one shape.
    const outputs = Object.fromEntries(
      Object.keys(placeholderMaterial(inputs)).map((k) => [k, undefined]),
    );
    super(
      caMaterialProvider,
      name,
      { ...inputs, generator: CA_MATERIAL_GENERATOR, ...outputs },
      {
        ...opts,
        additionalSecretOutputs: ["caKey", "permitKeys"],
      },
    );
  }
}

/**
 * The mesh CA (CN=ca) and root permit certificates made by the Pulumi program itself and kept,
 * keys as secrets, in the stack's state and in Kubernetes Secrets: a mesh CA that lives for
 * years with no operator in the cluster. The hub imports the CA (`ZtmHub` `ca.existingSecret`);
 * each agent builds its permit from its Secret (`ZtmAgent` `permit.fromCertificate`, with
 * `revision` so a renewed permit restarts it). Renewal happens at `pulumi up`.
 */
export class ZtmProgramCa extends pulumi.ComponentResource {
  /** The kubernetes.io/tls Secret holding the CA: for `ZtmHub` `ca.existingSecret`. */
  readonly caSecretName: string;
  /** Each permit's kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt). */
  readonly permitSecretNames: Record<string, string>;
  /** When the CA certificate expires (RFC 3339). */
  readonly caNotAfter: pulumi.Output<string>;
  /** When each permit certificate expires (RFC 3339). */
  readonly permitNotAfter: pulumi.Output<Record<string, string>>;
  /** A digest of each permit certificate: changes when it is re-issued. */
  readonly permitRevisions: pulumi.Output<Record<string, string>>;

  private readonly material: CaMaterial;
  private readonly labels: Record<string, string>;
  private readonly baseName: string;

  constructor(name: string, args: ZtmProgramCaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ZTM_PROGRAM_CA_TYPE, name, {}, opts);
    const a = parseArgs(ZtmProgramCaArgsSchema, args, `ZtmProgramCa ${name}`, { name });
    const { labels, ns } = scaffold(this, name, "ZtmProgramCa", "ztm-program-ca", a, "restricted");
    const material = new CaMaterial(
      `${name}-material`,
      inputsOf({ ...a, permits: [...a.permits, ...a.elsewhere] }),
      { parent: this },
    );
    this.material = material;
    this.baseName = name;
    this.labels = labels;
    this.caSecretName = `${name}-ca`;
    this.tlsSecret(this.caSecretName, ns.name, {
      "tls.crt": material.caCertificate,
      "tls.key": material.caKey,
    });
    this.permitSecretNames = {};
    for (const permit of a.permits) {
      this.permitSecretNames[permit] = `${name}-${permit}`;
      this.permitSecret(permit, ns.name);
    }
    this.caNotAfter = material.caNotAfter;
    this.permitNotAfter = material.permitNotAfter;
    this.permitRevisions = material.permitCertificates.apply((certs) =>
      Object.fromEntries(Object.entries(certs).map(([p, c]) => [p, revisionOf(c)])),
    );
    this.registerOutputs({
      caSecretName: this.caSecretName,
      permitSecretNames: this.permitSecretNames,
      caNotAfter: this.caNotAfter,
      permitNotAfter: this.permitNotAfter,
      permitRevisions: this.permitRevisions,
    });
  }

  /**
   * A permit's kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt), named `<name>-<permit>`, in
   * `namespace`: the component makes one in its own namespace; call it for an agent elsewhere
   * (another namespace, or another cluster through `opts.provider`, with a `resourceName` of its
   * own).
   */
  permitSecret(
    permit: string,
    namespace: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions & { resourceName?: string } = {},
  ): k8s.core.v1.Secret {
    const m = this.material;
    const { resourceName, ...rest } = opts;
    return this.tlsSecret(
      `${this.baseName}-${permit}`,
      namespace,
      {
        "tls.crt": m.permitCertificates.apply((c) => c[permit] ?? ""),
        "tls.key": m.permitKeys.apply((k) => k[permit] ?? ""),
        "ca.crt": m.caCertificate,
      },
      rest,
      resourceName,
    );
  }

  private tlsSecret(
    secretName: string,
    namespace: pulumi.Input<string>,
    data: Record<string, pulumi.Output<string>>,
    opts: pulumi.CustomResourceOptions = {},
    resourceName = secretName,
  ): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
      resourceName,
      {
        metadata: { name: secretName, namespace, labels: this.labels },
        type: "kubernetes.io/tls",
        stringData: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, pulumi.secret(v)])),
      },
      { parent: this, ...opts },
    );
  }
}
