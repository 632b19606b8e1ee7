import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { PackConfigSchema } from "../../policy/config";
import { guardManifests } from "../../policy/admission/validating-policy";
import { standardLabels } from "../core/labels";
import { DnsLabel, Labels } from "../core/schemas";
import { parseArgs } from "../core/validation";

export const ZERO_EXPOSURE_GUARD_TYPE = "zeroport:guard:ZeroExposureGuard";
const COMPONENT = "zero-exposure-guard";

/** The arguments of {@link ZeroExposureGuard}. */
export const ZeroExposureGuardArgsSchema = z
  .object({
    config: PackConfigSchema.default({}).describe(
      "The pack config (`--policy-pack-config` format, as `zeroport scan --config` reads it): levels, exemptNamespaces, allow-lists.",
    ),
    policyName: DnsLabel.default("zeroport-zero-exposure").describe(
      "Prefix of the policy and binding names (`<policyName>-deny`, `<policyName>-warn`).",
    ),
    validationActions: z
      .array(z.enum(["Deny", "Warn", "Audit"]))
      .min(1)
      .default(["Deny"])
      .refine((a) => !(a.includes("Deny") && a.includes("Warn")), {
        message:
          "Deny and Warn together are refused by the API server; use Deny, or Warn and Audit",
      })
      .refine((a) => new Set(a).size === a.length, { message: "must not repeat an action" })
      .describe(
        "What the deny binding does on a violation: [Deny] enforces; [Warn, Audit] rolls the guard out first (the README's rollout path).",
      ),
    labels: Labels.default({}),
  })
  .strict();
export type ZeroExposureGuardArgs = z.input<typeof ZeroExposureGuardArgsSchema>;

/**
 * The exposure rules enforced at admission by the API server itself: a ValidatingAdmissionPolicy
 * and its binding per action (Deny for mandatory rules, Warn+Audit for advisory ones). No webhook,
 * no controller, nothing that listens. System namespaces are left out by the binding; an
 * exemption needs the annotation on the pod template and an admin's grant in `config` (zeroport's
 * own node proxy carries the annotation; the admin grants it like any other workload).
 */
export class ZeroExposureGuard extends pulumi.ComponentResource {
  readonly policyNames: string[];

  constructor(
    name: string,
    args: ZeroExposureGuardArgs = {},
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(ZERO_EXPOSURE_GUARD_TYPE, name, {}, opts);
    const a = parseArgs(ZeroExposureGuardArgsSchema, args, `ZeroExposureGuard ${name}`, { name });
    const labels = standardLabels(COMPONENT, name, a.labels);
    const { policies, bindings } = guardManifests(a.policyName, a.config, {
      labels,
      denyActions: a.validationActions,
    });
    const created = policies.map(
      (p) =>
        new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
          String((p.metadata as { name: string }).name),
          p as k8s.admissionregistration.v1.ValidatingAdmissionPolicyArgs,
          { parent: this },
        ),
    );
    bindings.forEach(
      (b, i) =>
        new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
          `${String((b.metadata as { name: string }).name)}-binding`,
          b,
          { parent: this, dependsOn: created[i] ? [created[i]] : [] },
        ),
    );
    this.policyNames = policies.map((p) => String((p.metadata as { name: string }).name));
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
