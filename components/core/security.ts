import type * as k8s from "@pulumi/kubernetes";

type ContainerSecurityContext = k8s.types.input.core.v1.SecurityContext;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;

/** The user and group a container runs as. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** nobody:nobody, the identity of every unprivileged zeroport container unless an image needs another. */
export const NOBODY: RunAs = { uid: 65534, gid: 65534 };

/**
 * The `ziti` group of the ziti-edge-tunnel images (`groupadd --system --gid 2171 ziti`).
 * ziti-edge-tunnel setgid()s to it before it creates its command socket, and `tunnel_status`
 * (every probe) needs that socket; setgid to a group succeeds without CAP_SETGID only when it is
 * already the primary group. See docs/upstream.md.
 */
export const ZITI_GROUP = 2171;

/** nobody:ziti, as ziti-host's Dockerfile (`USER nobody:ziti`) runs ziti-edge-tunnel. */
export const NOBODY_ZITI: RunAs = { uid: 65534, gid: ZITI_GROUP };

/**
 * A named, minimal step away from the Pod Security "restricted" profile. Components never take a
 * generic privileged switch; they apply one of these, and the name says why at the call site.
 */
export type Escalation =
  /** Adds one Linux capability, keeping `drop: [ALL]` for everything else. */
  | { kind: "capability"; capability: Capability; reason: string }
  /**
   * Runs as UID 0 (for example iptables, which checks for root as well as NET_ADMIN), with primary
   * group `gid` (default 0).
   */
  | { kind: "root"; reason: string; gid?: number }
  /** A privileged container: only for the node proxy, which creates a tun device and edits node DNS. */
  | { kind: "privileged"; reason: string };

export type Capability = "NET_ADMIN" | "NET_BIND_SERVICE" | "NET_RAW";

/** Pod-level settings of the restricted profile: non-root, RuntimeDefault seccomp. */
export function restrictedPodSecurityContext(
  runAs: RunAs,
  fsGroup: number = runAs.gid,
): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.uid,
    runAsGroup: runAs.gid,
    fsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Container-level settings of the restricted profile, with a read-only root filesystem, then the
 * given escalations applied in order.
 */
export function containerSecurityContext(
  runAs: RunAs,
  escalations: readonly Escalation[] = [],
): ContainerSecurityContext {
  const added = escalations.flatMap((e) => (e.kind === "capability" ? [e.capability] : []));
  const root = escalations.some((e) => e.kind === "root" || e.kind === "privileged");
  const privileged = escalations.some((e) => e.kind === "privileged");
  return {
    allowPrivilegeEscalation: privileged,
    ...(privileged ? { privileged: true } : {}),
    readOnlyRootFilesystem: true,
    runAsNonRoot: !root,
    runAsUser: root ? 0 : runAs.uid,
    runAsGroup: root ? rootGroup(escalations) : runAs.gid,
    capabilities: {
      drop: ["ALL"],
      ...(added.length > 0 ? { add: [...new Set(added)].sort() } : {}),
    },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function rootGroup(escalations: readonly Escalation[]): number {
  for (const e of escalations) if (e.kind === "root" && e.gid !== undefined) return e.gid;
  return 0;
}
