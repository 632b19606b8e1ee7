import { z } from "zod";
import { ENROLLMENT_TOKEN_DIR, type IdentityContents } from "./identity";
import { SidecarRefusal, addByName, type PodSpec, type WorkloadContext } from "./injection";

/**
 * How the sidecar starts: `native` (an init container with `restartPolicy: Always`, Kubernetes
 * 1.29+), so the application starts only after the tunnel's startup probe passes; or `container`,
 * a plain container for older clusters, with no start order.
 */
export const SidecarStart = z.enum(["native", "container"]).default("native");
export type SidecarStart = z.output<typeof SidecarStart>;

export const DEFAULT_SIDECAR_RESOURCES = {
  requests: { cpu: "20m", memory: "48Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** The identity Secret a sidecar mounts: plain names, known when the component is constructed. */
export interface SidecarIdentity {
  secretName: string;
  key: string;
  contents: IdentityContents;
  /** The namespace the Secret lives in; pods elsewhere cannot mount it. */
  namespace: string;
}

/**
 * The volumes and mounts that hand an identity to a tunneler: an enrolled JSON read-only from the
 * Secret, or, for a one-time JWT, a writable emptyDir to enroll into plus the token itself.
 */
export function sidecarIdentityVolumes(
  identity: SidecarIdentity,
  prefix: string,
  dir: string,
  basename: string,
) {
  const volumes: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  // World-readable inside the pod: the sidecar cannot rely on the user's pod fsGroup, and only the
  // sidecar mounts this volume.
  const secret = (path: string) => ({
    secretName: identity.secretName,
    defaultMode: 0o444,
    items: [{ key: identity.key, path }],
  });
  if (identity.contents === "json") {
    volumes.push({ name: `${prefix}-identity`, secret: secret(`${basename}.json`) });
    mounts.push({ name: `${prefix}-identity`, mountPath: dir, readOnly: true });
  } else {
    volumes.push({ name: `${prefix}-identity`, emptyDir: { sizeLimit: "16Mi" } });
    volumes.push({ name: `${prefix}-enrollment-token`, secret: secret(`${basename}.jwt`) });
    mounts.push({ name: `${prefix}-identity`, mountPath: dir });
    mounts.push({
      name: `${prefix}-enrollment-token`,
      mountPath: ENROLLMENT_TOKEN_DIR,
      readOnly: true,
    });
  }
  return { volumes, mounts };
}

/** Refuses what an identity cannot do in a workload; returns nothing when it can. */
export function checkIdentityFits(identity: SidecarIdentity, workload: WorkloadContext): void {
  if (workload.namespace !== identity.namespace) {
    throw new SidecarRefusal(
      workload,
      `the identity Secret ${identity.secretName} is in namespace ${identity.namespace}, and a pod can only mount Secrets of its own namespace`,
    );
  }
  if (identity.contents !== "jwt" || workload.kind === "Pod") return;
  // The controller consumes a one-time token at its first use (ziti controller/model/
  // enrollment_mod_ott.go), and the sidecar enrolls into the pod's emptyDir: the first replacement
  // pod of any controller finds an empty directory and a spent token.
  throw new SidecarRefusal(
    workload,
    `a one-time enrollment JWT is spent by the first pod that enrolls it, and a ${workload.kind} replaces its pods (rollouts, evictions, node drains), so the next pod could not enroll; enroll the identity first (\`ziti edge enroll\`) and pass it as \`json\` or as an existing Secret with contents json`,
  );
}

/**
 * Adds the sidecar container (native: first init container; or last container), its helper init
 * containers (before it) and its volumes. A volume of the same name that is not the sidecar's own
 * is a conflict.
 */
export function placeSidecar(
  spec: PodSpec,
  workload: WorkloadContext,
  parts: {
    container: Record<string, unknown>;
    initContainers?: Record<string, unknown>[];
    volumes: Record<string, unknown>[];
    start: SidecarStart;
  },
): PodSpec {
  for (const volume of parts.volumes) {
    const clash = (spec.volumes ?? []).find((v) => v.name === volume.name);
    if (clash && JSON.stringify(clash) !== JSON.stringify(volume)) {
      throw new SidecarRefusal(
        workload,
        `the pod already has a different volume named ${String(volume.name)}`,
      );
    }
  }
  const container =
    parts.start === "native" ? { ...parts.container, restartPolicy: "Always" } : parts.container;
  const inits = [...(parts.initContainers ?? []), ...(parts.start === "native" ? [container] : [])];
  return {
    ...spec,
    ...(inits.length > 0 ? { initContainers: addByName(spec.initContainers, inits, true) } : {}),
    ...(parts.start === "container" ? { containers: addByName(spec.containers, [container]) } : {}),
    volumes: addByName(spec.volumes, parts.volumes),
  };
}

/** True when the pod already runs a container of this name, as a container or an init container. */
export function hasContainer(spec: PodSpec, name: string): boolean {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) => c.name === name);
}
