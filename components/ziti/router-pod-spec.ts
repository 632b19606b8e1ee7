import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type IdentitySecretRef } from "../core/identity";
import { ZITI_AGENT_PROBE } from "../core/probes";
import {
  containerSecurityContext,
  restrictedPodSecurityContext,
  type Escalation,
  type RunAs,
} from "../core/security";
import { ROUTER_CONFIG_FILE, ROUTER_HOME } from "./router-config";
import type { ResolvedRouterTunnelerArgs } from "./router-tunneler";

/** openziti/ziti-router runs as ziggy. */
const ZIGGY: RunAs = { uid: 2171, gid: 2171 };

/**
 * In tproxy mode the router installs TPROXY rules and answers DNS on port 53 in its pod: root
 * (iptables checks for UID 0), NET_ADMIN and NET_BIND_SERVICE, nothing else.
 */
export const ROUTER_TPROXY_ESCALATIONS: readonly Escalation[] = [
  { kind: "root", reason: "iptables checks for UID 0 as well as CAP_NET_ADMIN" },
  { kind: "capability", capability: "NET_ADMIN", reason: "TPROXY rules for intercepted addresses" },
  {
    kind: "capability",
    capability: "NET_BIND_SERVICE",
    reason: "the Ziti nameserver listens on port 53",
  },
];

/** The router pod spec: pure, so it is tested directly. */
export function renderRouterPodSpec(
  a: ResolvedRouterTunnelerArgs,
  refs: {
    name: string;
    enrollment: Pick<IdentitySecretRef, "name" | "key">;
    configMapName: pulumi.Input<string>;
    volumeClaimName: pulumi.Input<string>;
  },
): k8s.types.input.core.v1.PodSpec {
  const ports = [
    ...new Set(
      [a.edge?.containerPort, a.link?.containerPort].filter((p): p is number => p !== undefined),
    ),
  ];
  const probe = { exec: { command: ZITI_AGENT_PROBE }, timeoutSeconds: 5 };
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: restrictedPodSecurityContext(ZIGGY),
    containers: [
      {
        name: "ziti-router",
        image: a.image,
        imagePullPolicy: "IfNotPresent",
        command: ["/entrypoint.bash"],
        args: ["run", `${ROUTER_HOME}/${ROUTER_CONFIG_FILE}`],
        env: [
          { name: "ZITI_HOME", value: ROUTER_HOME },
          { name: "ZITI_ROUTER_NAME", value: refs.name },
          { name: "ZITI_BOOTSTRAP", value: "true" },
          { name: "ZITI_BOOTSTRAP_CONFIG", value: "false" },
          { name: "ZITI_BOOTSTRAP_ENROLLMENT", value: "true" },
          { name: "ZITI_AUTO_RENEW_CERTS", value: "true" },
          { name: "ZITI_TIME_FORMAT", value: "utc" },
          {
            name: "ZITI_ENROLL_TOKEN",
            valueFrom: { secretKeyRef: { name: refs.enrollment.name, key: refs.enrollment.key } },
          },
        ],
        ...(ports.length > 0
          ? { ports: ports.map((p) => ({ name: `tls-${p}`, containerPort: p, protocol: "TCP" })) }
          : {}),
        volumeMounts: [
          { name: "state", mountPath: ROUTER_HOME },
          // The read-only config is projected into the writable state directory, where the router
          // also keeps its certificates and endpoints file.
          {
            name: "config",
            mountPath: `${ROUTER_HOME}/${ROUTER_CONFIG_FILE}`,
            subPath: ROUTER_CONFIG_FILE,
            readOnly: true,
          },
          { name: "tmp", mountPath: "/tmp" },
        ],
        resources: a.resources,
        securityContext: containerSecurityContext(
          ZIGGY,
          a.tunnel.mode === "tproxy" ? ROUTER_TPROXY_ESCALATIONS : [],
        ),
        startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 60 },
        readinessProbe: { ...probe, periodSeconds: 10, failureThreshold: 5 },
        livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 5 },
      },
    ],
    volumes: [
      { name: "state", persistentVolumeClaim: { claimName: refs.volumeClaimName } },
      { name: "config", configMap: { name: refs.configMapName, defaultMode: 0o444 } },
      { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
    ],
  };
}
