import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { podMetadataPath, podSpecPath } from "../../policy/pod-spec-paths";
import { DnsSubdomain, Labels } from "./schemas";

/** The kinds a sidecar can be injected into. A CronJob's pod is its job template's pod. */
export const WORKLOAD_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "CronJob",
  "Pod",
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Which existing workloads get the sidecar: by pod label, by resource name, or both (all must match). */
export const WorkloadSelector = z
  .object({
    labels: Labels.optional().describe("Pods whose labels include all of these."),
    names: z.array(DnsSubdomain).min(1).optional().describe("Workloads with these metadata names."),
    kinds: z
      .array(z.enum(WORKLOAD_KINDS))
      .min(1)
      .default([...WORKLOAD_KINDS])
      .describe("Workload kinds to consider."),
  })
  .strict()
  .refine((s) => s.labels !== undefined || s.names !== undefined, {
    message: "set `labels` or `names`: a selector that matches everything is refused",
  });
export type WorkloadSelector = z.output<typeof WorkloadSelector>;

/** A plain pod spec as the Kubernetes API takes it. */
export type PodSpec = Record<string, unknown> & {
  containers?: Record<string, unknown>[];
  initContainers?: Record<string, unknown>[];
  volumes?: Record<string, unknown>[];
};

/** The workload a pod spec belongs to, for the sidecar's checks and messages. */
export interface WorkloadContext {
  kind: string;
  name: string;
  namespace: string;
  /** Replicas of a Deployment, StatefulSet or ReplicaSet (undefined when unset or unknown). */
  replicas?: number;
}

/** A sidecar that cannot work in a given pod; the message says why. */
export class SidecarRefusal extends Error {
  constructor(workload: WorkloadContext, reason: string) {
    super(`cannot inject into ${workload.kind} ${workload.namespace}/${workload.name}: ${reason}`);
    this.name = "SidecarRefusal";
  }
}

/** What a sidecar component hands to the injection machinery. */
export interface Injection {
  /** Adds the sidecar; returns the spec unchanged when it is already there. Throws SidecarRefusal. */
  inject(spec: PodSpec, workload: WorkloadContext): PodSpec;
  /** Labels added to the pod, so NetworkPolicies can select injected pods. */
  podLabels: Record<string, string>;
}

function get(obj: unknown, path: readonly string[]): unknown {
  let node = obj;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** `obj` with the value at `path` replaced; copies only the objects along the path. */
function set(
  obj: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const child = obj[head];
  const next =
    rest.length === 0
      ? value
      : set(
          typeof child === "object" && child !== null ? (child as Record<string, unknown>) : {},
          rest,
          value,
        );
  return { ...obj, [head]: next };
}

/** The Kubernetes kind of a Pulumi type token such as `kubernetes:apps/v1:Deployment`. */
export function kindOfType(type: string): string | undefined {
  return /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(type)?.[1];
}

/** True when the selector picks this workload. */
export function selects(
  selector: WorkloadSelector,
  kind: string,
  props: Record<string, unknown>,
): boolean {
  if (!(selector.kinds as readonly string[]).includes(kind)) return false;
  const name = get(props, ["metadata", "name"]);
  if (selector.names && !(typeof name === "string" && selector.names.includes(name))) return false;
  if (selector.labels) {
    const labels =
      (get(props, podMetadataPath(kind) ?? []) as { labels?: Record<string, unknown> } | undefined)
        ?.labels ?? {};
    if (!Object.entries(selector.labels).every(([k, v]) => labels[k] === v)) return false;
  }
  return true;
}

/**
 * The workload's props with the sidecar in its pod spec and the injection's labels on its pod,
 * or undefined when the selector (if any) does not pick it or the kind has no pod. The user's own containers are untouched.
 */
export function injectIntoWorkload(
  kind: string,
  props: Record<string, unknown>,
  injection: Injection,
  selector: WorkloadSelector | undefined,
  defaultNamespace: string,
): Record<string, unknown> | undefined {
  const specPath = podSpecPath(kind);
  const metaPath = podMetadataPath(kind);
  if (!specPath || !metaPath || (selector && !selects(selector, kind, props))) return undefined;
  const spec = get(props, specPath);
  if (typeof spec !== "object" || spec === null) return undefined;
  const namespace = get(props, ["metadata", "namespace"]);
  const replicas = get(props, ["spec", "replicas"]);
  const name = get(props, ["metadata", "name"]);
  const workload: WorkloadContext = {
    kind,
    name: typeof name === "string" ? name : "(unnamed)",
    namespace: typeof namespace === "string" ? namespace : defaultNamespace,
    ...(typeof replicas === "number" ? { replicas } : {}),
  };
  const injected = injection.inject(spec as PodSpec, workload);
  const meta = (get(props, metaPath) ?? {}) as Record<string, unknown>;
  const labels = {
    ...((meta.labels as Record<string, string> | undefined) ?? {}),
    ...injection.podLabels,
  };
  return set(set(props, specPath, injected), metaPath, { ...meta, labels });
}

/**
 * A Pulumi transform that injects the sidecar into every selected workload of a program,
 * including the children of Helm charts and YAML files when passed to their `transforms`.
 */
export function injectionTransform(
  injection: Injection,
  selector: WorkloadSelector,
  defaultNamespace: string,
): pulumi.ResourceTransform {
  return (args) => {
    const kind = kindOfType(args.type);
    if (!kind) return undefined;
    const props = injectIntoWorkload(kind, args.props, injection, selector, defaultNamespace);
    return props ? { props, opts: args.opts } : undefined;
  };
}

/** Adds containers, init containers and volumes by name; an existing entry with the same name is kept. */
export function addByName(
  list: readonly Record<string, unknown>[] | undefined,
  entries: readonly Record<string, unknown>[],
  first = false,
): Record<string, unknown>[] {
  const existing = list ?? [];
  const names = new Set(existing.map((e) => e.name));
  const added = entries.filter((e) => !names.has(e.name));
  return first ? [...added, ...existing] : [...existing, ...added];
}
