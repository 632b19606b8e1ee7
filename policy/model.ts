/** The enforcement levels CrossGuard understands. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/**
 * A Kubernetes object as the policies see it: a manifest from a file, or the props of a Pulumi
 * resource (including `*Patch` resources, whose fields may all be missing). Only the fields a
 * policy reads are touched, so an unknown value elsewhere never matters.
 */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One thing a policy found. `allowedBy` says which configuration allows it, if any. */
export interface Finding {
  message: string;
  allowedBy?: string;
}

/** Options every policy takes, plus its own. */
export interface PolicyOptions {
  /** Namespaces whose objects this policy does not apply to (reported as exemptions). */
  exemptNamespaces?: string[];
  [key: string]: unknown;
}

/** A list-valued option, or `[]` when it is unset (or not a list). */
export function listOption<T>(options: PolicyOptions, key: string): T[] {
  const value = options[key];
  return Array.isArray(value) ? (value as T[]) : [];
}

/** A JSON-schema property, as CrossGuard's `configSchema` takes it. */
export type ConfigProperty = Record<string, unknown>;

/** A policy over single objects: a pure function, shared by the CrossGuard pack and `zeroport scan`. */
export interface ResourcePolicy {
  name: string;
  description: string;
  defaultLevel: EnforcementLevel;
  severity: "low" | "medium" | "high" | "critical";
  /** The options beyond `exemptNamespaces`, as JSON schema, with defaults. */
  options: Record<string, ConfigProperty>;
  check(obj: KubeObject, options: PolicyOptions): Finding[];
  /** The object with the violation fixed, for level `remediate`; undefined when nothing changes. */
  remediate?(obj: KubeObject): KubeObject | undefined;
}

/** The annotation that exempts one object from the exposure policies, with the reason as value. */
export const EXEMPTION_ANNOTATION = "zeroport.io/exposure-exception";

/** `namespace/name` (or just `name` for objects without a namespace) for messages. */
export function describe(obj: KubeObject): string {
  const name = obj.metadata?.name ?? "(unnamed)";
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ""}${name}`;
}
