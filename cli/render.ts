import * as pulumi from "@pulumi/pulumi";
import {
  CA_MATERIAL_GENERATOR,
  placeholderMaterial,
  type MaterialInputs,
} from "../components/ztm/program-ca-material";
import { markPatch } from "./patches";

/** The outputs of a resource whose values the program makes at deploy time, as placeholders. */
function generatedOutputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return inputs.generator === CA_MATERIAL_GENERATOR
    ? { ...placeholderMaterial(inputs as unknown as MaterialInputs) }
    : {};
}

/** One resource the program registered, as the Pulumi engine would have received it. */
export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  /** Inputs with Pulumi secrets kept as `{ [SECRET]: true, value }` markers. */
  inputs: Record<string, unknown>;
}

/** A Kubernetes object as `pulumi up` would send it to the API server. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Marker for a value that travelled as a Pulumi secret (see {@link RecordedResource.inputs}). */
export const SECRET = "__pulumiSecret";
export const REDACTED = "<redacted>";

function keepSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) {
    return { [SECRET]: true, value: keepSecrets(pulumi.runtime.unwrapRpcSecret(value)) };
  }
  if (Array.isArray(value)) return value.map(keepSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keepSecrets(v)]));
  }
  return value;
}

/** True for a value recorded from a Pulumi secret. */
export function isSecretMarker(v: unknown): v is { [SECRET]: true; value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET] === true;
}

/**
 * Runs `program` under the Pulumi SDK's mock runtime (no CLI, no cluster) and returns every
 * resource it registered, in registration order. Errors thrown by the program are rethrown.
 */
export async function recordProgram(
  program: () => unknown,
  options: { project?: string; stack?: string } = {},
): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({
          type: args.type,
          name: args.name,
          custom: args.custom ?? false,
          inputs: keepSecrets(args.inputs) as Record<string, unknown>,
        });
        // Echo the inputs as state, so outputs such as metadata.name resolve to what was asked;
        // what the program generates at deploy time is shown as such.
        const inputs = args.inputs as Record<string, unknown>;
        return { id: `${args.name}-id`, state: { ...inputs, ...generatedOutputs(inputs) } };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    options.project ?? "zeroport",
    options.stack ?? "render",
    false,
  );
  let failure: { error: unknown } | undefined;
  // A value that fails inside an Output (say, a secret checked when it resolves) rejects a
  // registration asynchronously; the engine would report it and stop, so stop here too.
  let onRejection: (reason: unknown) => void = () => undefined;
  const rejected = new Promise<void>((resolve) => {
    onRejection = (reason) => {
      failure ??= { error: reason };
      resolve();
    };
  });
  process.on("unhandledRejection", onRejection);
  try {
    await Promise.race([
      (async () => {
        await pulumi.runtime.runInPulumiStack(async () => {
          try {
            await program();
          } catch (error) {
            failure = { error };
          }
        });
        await drainRpcs();
      })(),
      rejected,
    ]);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (failure)
    throw failure.error instanceof Error ? failure.error : new Error(String(failure.error));
  return recorded;
}

/**
 * Waits until every registration has reached the mock monitor. `waitForRPCs` is exported at run
 * time but left out of the SDK's typings; `disconnect` (which also drains) is the fallback.
 */
async function drainRpcs(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs === "function") await runtime.waitForRPCs();
  else await pulumi.runtime.disconnect();
}

/**
 * Kinds that live outside namespaces (every cluster-scoped kind Kubernetes 1.36 serves, and
 * cert-manager's ClusterIssuer); every other kind gets `metadata.namespace`. The e2e suite checks
 * each rendered object's scope against the API server's discovery.
 */
const CLUSTER_SCOPED = new Set([
  "APIService",
  "CSIDriver",
  "CSINode",
  "CertificateSigningRequest",
  "ClusterIssuer",
  "ClusterRole",
  "ClusterRoleBinding",
  "ClusterTrustBundle",
  "ComponentStatus",
  "CustomResourceDefinition",
  "DeviceClass",
  "FlowSchema",
  "IPAddress",
  "IngressClass",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "ResourceSlice",
  "RuntimeClass",
  "ServiceCIDR",
  "StorageClass",
  "StorageVersionMigration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
  "VolumeAttributesClass",
]);

/** Install order, as Helm applies kinds: what others depend on comes first. */
const KIND_ORDER = [
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function isNamespaced(kind: string): boolean {
  return !CLUSTER_SCOPED.has(kind);
}

/** Replaces every value of a Secret's data, and any other secret value, with {@link REDACTED}. */
function redact(value: unknown, secretData = false): unknown {
  if (isSecretMarker(value)) return redact(value.value, true);
  if (Array.isArray(value)) return value.map((v) => redact(v, secretData));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secretData)]));
  }
  return secretData ? REDACTED : value;
}

/**
 * Turns recorded resources into complete Kubernetes manifests in a stable order (install order,
 * then namespace, then name), Secret values redacted with their keys kept.
 */
export function toManifests(resources: readonly RecordedResource[]): Manifest[] {
  const manifests: Manifest[] = [];
  for (const r of resources) {
    const { apiVersion, kind, metadata, ...rest } = r.inputs;
    if (
      !r.custom ||
      !r.type.startsWith("kubernetes:") ||
      typeof apiVersion !== "string" ||
      typeof kind !== "string"
    ) {
      continue;
    }
    const meta = { ...((metadata ?? {}) as Record<string, unknown>) };
    if (isNamespaced(kind) && meta.namespace === undefined) meta.namespace = "default";
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      body[k] =
        kind === "Secret" && (k === "data" || k === "stringData") ? redact(v, true) : redact(v);
    }
    const { name, namespace, ...otherMeta } = redact(meta) as Record<string, unknown>;
    const manifest: Manifest = {
      apiVersion,
      kind,
      metadata: {
        name: typeof name === "string" ? name : r.name,
        ...(typeof namespace === "string" ? { namespace } : {}),
        ...otherMeta,
      },
      ...body,
    };
    if (r.type.endsWith("Patch")) markPatch(manifest);
    manifests.push(manifest);
  }
  return manifests.sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      a.kind.localeCompare(b.kind) ||
      (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
