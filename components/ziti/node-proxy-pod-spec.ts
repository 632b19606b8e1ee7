import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type IdentitySecretRef } from "../core/identity";
import { NOBODY, ZITI_GROUP, containerSecurityContext, type Escalation } from "../core/security";
import { EDGE_TUNNEL_PROBES, edgeTunnelIdentity } from "./edge-tunnel";
import type { ResolvedNodeProxyDaemonsetArgs } from "./node-proxy-daemonset";

type PodSpec = k8s.types.input.core.v1.PodSpec;

const DBUS_SOCKET = "/var/run/dbus/system_bus_socket";

/**
 * `ziti-edge-tunnel run` creates a tun device on the node and points the node's resolver at its
 * nameserver, so by default it runs privileged, as the official chart does. `netAdmin` narrows
 * that to root with NET_ADMIN and the node's /dev/net/tun (enough for the tun device and routes;
 * node DNS then needs `systemdResolved`).
 */
export const NODE_PROXY_ESCALATIONS: Record<"privileged" | "netAdmin", readonly Escalation[]> = {
  privileged: [{ kind: "privileged", reason: "creates a tun device and edits the node's DNS" }],
  netAdmin: [
    {
      kind: "root",
      reason: "opens /dev/net/tun and configures routes",
      // Primary group ziti: without CAP_SETGID, its setgid(ziti) for the command socket (and so
      // every tunnel_status probe) succeeds only when ziti is already the group.
      gid: ZITI_GROUP,
    },
    {
      kind: "capability",
      capability: "NET_ADMIN",
      reason: "the tun interface, its address and routes",
    },
  ],
};

/** The node proxy's pod spec: pure, so it is tested directly. */
export function renderNodeProxyPodSpec(
  a: ResolvedNodeProxyDaemonsetArgs,
  refs: {
    identity: Pick<IdentitySecretRef, "name" | "key">;
    volumeClaimName?: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
  },
): PodSpec {
  // The schema admits only enrolled identities: one JWT cannot enroll every node.
  const { volumes, mounts, env } = edgeTunnelIdentity(
    { ...refs.identity, contents: "json" },
    refs.volumeClaimName,
    a.logLevel,
  );
  if (a.privilege === "netAdmin") {
    volumes.push({ name: "dev-net-tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } });
    mounts.push({ name: "dev-net-tun", mountPath: "/dev/net/tun" });
  }
  if (a.systemdResolved) {
    volumes.push({ name: "system-bus-socket", hostPath: { path: DBUS_SOCKET, type: "Socket" } });
    mounts.push({ name: "system-bus-socket", mountPath: DBUS_SOCKET });
  }
  return {
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    serviceAccountName: refs.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(Object.keys(a.nodeSelector).length > 0 ? { nodeSelector: a.nodeSelector } : {}),
    ...(a.tolerations.length > 0 ? { tolerations: a.tolerations } : {}),
    containers: [
      {
        name: "ziti-edge-tunnel",
        image: a.image,
        imagePullPolicy: "IfNotPresent",
        args: [
          "run",
          "--dns-ip-range",
          a.dnsIpRange,
          ...(a.dnsUpstream ? ["--dns-upstream", a.dnsUpstream] : []),
        ],
        env,
        volumeMounts: mounts,
        resources: a.resources,
        securityContext: containerSecurityContext(NOBODY, NODE_PROXY_ESCALATIONS[a.privilege]),
        ...EDGE_TUNNEL_PROBES,
      },
    ],
    volumes,
  };
}
