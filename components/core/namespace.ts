import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DnsLabel, Labels } from "./schemas";

/**
 * Where a component's objects live: an existing namespace by name (`"apps"`), or one the component
 * creates (`{ name: "apps", create: true }`). A created namespace enforces the strictest Pod
 * Security level the component's pods satisfy.
 */
export const NamespaceArgs = z
  .union([
    DnsLabel.transform((name) => ({ name, create: false, labels: {} })),
    z
      .object({
        name: DnsLabel,
        create: z
          .boolean()
          .default(false)
          .describe("Create the namespace instead of using an existing one."),
        labels: Labels.default({}).describe("Extra labels for a created namespace."),
      })
      .strict(),
  ])
  .default({ name: "default", create: false, labels: {} })
  .describe("An existing namespace name, or `{ name, create: true }` to create it.");
export type NamespaceArgs = z.input<typeof NamespaceArgs>;
export type ResolvedNamespace = z.output<typeof NamespaceArgs>;

/** The Pod Security Admission level a component's pods meet. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/** Labels that make the API server enforce (and warn and audit) one Pod Security level. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/warn": level,
    "pod-security.kubernetes.io/audit": level,
  };
}

/**
 * Creates the namespace when asked and returns its name as an output, so that children created
 * in it wait for it.
 */
export function ensureNamespace(
  ns: ResolvedNamespace,
  resourceName: string,
  level: PodSecurityLevel,
  labels: Record<string, string>,
  parent: pulumi.Resource,
): { name: pulumi.Output<string>; namespace?: k8s.core.v1.Namespace } {
  if (!ns.create) return { name: pulumi.output(ns.name) };
  const namespace = new k8s.core.v1.Namespace(
    resourceName,
    {
      metadata: { name: ns.name, labels: { ...labels, ...ns.labels, ...podSecurityLabels(level) } },
    },
    { parent },
  );
  return { name: namespace.metadata.name, namespace };
}
