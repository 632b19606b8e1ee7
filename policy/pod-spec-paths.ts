/**
 * Where each kind keeps its pod spec: the Pod itself, or the pod template of a workload. One table
 * for the policies (which read pod specs) and the sidecar injection (which rewrites them).
 */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  DeploymentConfig: ["spec", "template", "spec"],
};

/**
 * Where `kind` keeps its pod spec, or undefined. Own keys only: a kind such as `toString` or
 * `constructor` must not find Object.prototype's members.
 */
export function podSpecPath(kind: string): readonly string[] | undefined {
  return Object.hasOwn(POD_SPEC_PATHS, kind) ? POD_SPEC_PATHS[kind] : undefined;
}

/** Where the pod's own metadata (its labels) sits: beside the pod spec. */
export function podMetadataPath(kind: string): readonly string[] | undefined {
  const path = podSpecPath(kind);
  return path ? [...path.slice(0, -1), "metadata"] : undefined;
}
