import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { zitiIdentityArgs, identityContents, type IdentitySecretRef } from "./core/identity";
import { IMAGES, ImageRef } from "./core/images";
import { selectorLabels } from "./core/labels";
import { NamespaceArgs } from "./core/namespace";
import { Cidr4, zitiNameserver } from "./core/net";
import { TUNNEL_STATUS_PROBE } from "./core/probes";
import { DnsSubdomain, Labels, Resources } from "./core/schemas";
import { NOBODY, containerSecurityContext, type Escalation } from "./core/security";
import { parseArgs } from "./core/validation";
import { scaffold, scaffoldIdentity } from "./core/scaffold";
import { persistenceObject, persistentClaim } from "./core/storage";

type PodSpec = k8s.types.input.core.v1.PodSpec;

export const NODE_PROXY_TYPE = "zeroport:ziti:NodeProxyDaemonset";
const COMPONENT = "ziti-node-proxy";
const IDENTITY_DIR = "/ziti-edge-tunnel";
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
    { kind: "root", reason: "opens /dev/net/tun and configures routes" },
    {
      kind: "capability",
      capability: "NET_ADMIN",
      reason: "the tun interface, its address and routes",
    },
  ],
};

const Toleration = z
  .object({
    key: z.string().optional(),
    operator: z.enum(["Exists", "Equal"]).optional(),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

const MaxUnavailable = z.union([
  z.number().int().min(1, "must be at least 1"),
  z
    .string()
    .regex(
      /^([1-9]|[1-9][0-9])%$/,
      "must be a percentage from 1% to 99%, so the rollout never takes every node down at once",
    ),
]);

/** The arguments of {@link NodeProxyDaemonset}. */
export const NodeProxyDaemonsetArgsSchema = z
  .object({
    namespace: NamespaceArgs,
    identity: zitiIdentityArgs("identity").describe(
      "An enrolled identity (`json` or an existing Secret); every node uses it.",
    ),
    image: ImageRef.default(IMAGES.zitiEdgeTunnel),
    privilege: z
      .enum(["privileged", "netAdmin"])
      .default("privileged")
      .describe("See NODE_PROXY_ESCALATIONS."),
    systemdResolved: z
      .boolean()
      .default(false)
      .describe("Mount the node's D-Bus socket so the tunneler configures systemd-resolved."),
    dnsIpRange: Cidr4.default("100.64.0.1/10").describe(
      "The tun address and the range Ziti names resolve into.",
    ),
    dnsUpstream: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "must be host or host:port")
      .optional(),
    nodeSelector: z.record(z.string(), z.string()).default({}),
    tolerations: z.array(Toleration).default([]),
    maxUnavailable: MaxUnavailable.default(1).describe("Nodes updated at once during a rollout."),
    persistence: persistenceObject("100Mi")
      .optional()
      .describe(
        "A ReadWriteMany volume shared by every node, so renewed certificates persist; unset: the identity is read-only.",
      ),
    logLevel: z.number().int().min(0).max(6).default(3),
    resources: Resources.default({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "1", memory: "256Mi" },
    }),
    clusterDns: z
      .object({
        zitiDomains: z
          .array(DnsSubdomain)
          .default([])
          .describe("Domains of Ziti service names, forwarded to the node nameserver."),
        manage: z
          .enum(["none", "coredns-custom"])
          .default("none")
          .describe(
            "`coredns-custom`: patch the kube-system/coredns-custom ConfigMap (k3s, AKS); `none`: only output the snippets.",
          ),
        nodeLocalDnsIp: z
          .string()
          .default("169.254.20.10")
          .describe("The NodeLocal DNSCache address, for its snippet."),
      })
      .strict()
      .default({ zitiDomains: [], manage: "none", nodeLocalDnsIp: "169.254.20.10" }),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (identityContents(a.identity) === "jwt") {
      ctx.addIssue({
        code: "custom",
        path: ["identity"],
        message:
          "must be an enrolled identity (`json` or an existing Secret with contents json): a one-time JWT enrolls exactly one node and the others would race for it; run `ziti edge enroll` first",
      });
    }
    if (zitiNameserver(a.dnsIpRange) === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["dnsIpRange"],
        message: "must leave room for the nameserver at the tun address + 1 inside the range",
      });
    }
    if (a.clusterDns.manage !== "none" && a.clusterDns.zitiDomains.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["clusterDns", "zitiDomains"],
        message: "must list at least one domain when clusterDns.manage is set",
      });
    }
  });

export type NodeProxyDaemonsetArgs = z.input<typeof NodeProxyDaemonsetArgsSchema>;
export type ResolvedNodeProxyDaemonsetArgs = z.output<typeof NodeProxyDaemonsetArgsSchema>;

/** CoreDNS server blocks that forward the Ziti domains to the node nameserver. */
export function corednsSnippets(
  domains: readonly string[],
  nameserver: string,
  nodeLocalDnsIp: string,
) {
  const block = (domain: string, extra: string[]) =>
    [
      `${domain}:53 {`,
      "    errors",
      "    cache 30",
      ...extra,
      `    forward . ${nameserver}`,
      "}",
    ].join("\n");
  return {
    /** For the `coredns-custom` ConfigMap (a `*.server` key) that k3s and AKS import. */
    corednsCustom: domains.map((d) => block(d, [])).join("\n"),
    /** For the Corefile of NodeLocal DNSCache (ConfigMap kube-system/node-local-dns), so each node resolves on its own tunneler. */
    nodeLocalDns: domains
      .map((d) => block(d, ["    reload", `    bind ${nodeLocalDnsIp}`]))
      .join("\n"),
  };
}

/** The node proxy's pod spec: pure, so it is tested directly. */
export function renderNodeProxyPodSpec(
  a: ResolvedNodeProxyDaemonsetArgs,
  refs: {
    identity: Pick<IdentitySecretRef, "name" | "key">;
    volumeClaimName?: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
  },
): PodSpec {
  const volumes: k8s.types.input.core.v1.Volume[] = [
    refs.volumeClaimName !== undefined
      ? { name: "identity", persistentVolumeClaim: { claimName: refs.volumeClaimName } }
      : {
          name: "identity",
          secret: {
            secretName: refs.identity.name,
            defaultMode: 0o440,
            items: [{ key: refs.identity.key, path: "identity.json" }],
          },
        },
    { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
  ];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [
    {
      name: "identity",
      mountPath: IDENTITY_DIR,
      ...(refs.volumeClaimName === undefined ? { readOnly: true } : {}),
    },
    { name: "tmp", mountPath: "/tmp" },
  ];
  if (a.privilege === "netAdmin") {
    volumes.push({ name: "dev-net-tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } });
    mounts.push({ name: "dev-net-tun", mountPath: "/dev/net/tun" });
  }
  if (a.systemdResolved) {
    volumes.push({ name: "system-bus-socket", hostPath: { path: DBUS_SOCKET, type: "Socket" } });
    mounts.push({ name: "system-bus-socket", mountPath: DBUS_SOCKET });
  }
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: "ZITI_IDENTITY_DIR", value: IDENTITY_DIR },
    { name: "ZITI_IDENTITY_BASENAME", value: "identity" },
    { name: "ZITI_LOG", value: String(a.logLevel) },
    { name: "ZITI_TIME_FORMAT", value: "utc" },
  ];
  if (refs.volumeClaimName !== undefined) {
    // Seeds the shared volume once; the entrypoint never overwrites an existing identity.
    env.push({
      name: "ZITI_IDENTITY_JSON",
      valueFrom: { secretKeyRef: { name: refs.identity.name, key: refs.identity.key } },
    });
  }
  const probe = { exec: { command: TUNNEL_STATUS_PROBE }, timeoutSeconds: 10 };
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
        startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 60 },
        livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 3 },
      },
    ],
    volumes,
  };
}

/**
 * The node-level proxy: `ziti-edge-tunnel run` on selected nodes (hostNetwork), so every pod on
 * them reaches Ziti services through the node, with cluster DNS forwarding for Ziti names.
 */
export class NodeProxyDaemonset extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly daemonSetName: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  /** The node nameserver: the tun address + 1. */
  readonly nameserver: string;
  /** The CoreDNS server blocks to apply when not managed: `corednsCustom` and `nodeLocalDns`. */
  readonly dnsSnippets: { corednsCustom: string; nodeLocalDns: string };

  constructor(name: string, args: NodeProxyDaemonsetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NODE_PROXY_TYPE, name, {}, opts);
    const a = parseArgs(NodeProxyDaemonsetArgsSchema, args, `NodeProxyDaemonset ${name}`);
    const sc = scaffold(this, name, "NodeProxyDaemonset", COMPONENT, a, "privileged");
    const { labels, ns } = sc;
    const identity = scaffoldIdentity(sc, a.identity);
    const pvc = a.persistence
      ? persistentClaim(
          `${name}-identity-state`,
          { namespace: ns.name, labels, persistence: a.persistence, accessMode: "ReadWriteMany" },
          this,
        )
      : undefined;
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      { metadata: { name, namespace: ns.name, labels }, automountServiceAccountToken: false },
      { parent: this },
    );
    const daemonSet = new k8s.apps.v1.DaemonSet(
      name,
      {
        metadata: { name, namespace: ns.name, labels },
        spec: {
          selector: { matchLabels: selectorLabels(COMPONENT, name) },
          updateStrategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: a.maxUnavailable, maxSurge: 0 },
          },
          template: {
            metadata: { labels },
            spec: renderNodeProxyPodSpec(a, {
              identity,
              ...(pvc ? { volumeClaimName: pvc.metadata.name } : {}),
              serviceAccountName: serviceAccount.metadata.name,
            }),
          },
        },
      },
      { parent: this, dependsOn: identity.secret ? [identity.secret] : [] },
    );
    this.nameserver = zitiNameserver(a.dnsIpRange) ?? "";
    this.dnsSnippets = corednsSnippets(
      a.clusterDns.zitiDomains,
      this.nameserver,
      a.clusterDns.nodeLocalDnsIp,
    );
    if (a.clusterDns.manage === "coredns-custom") {
      // Only our key is applied (server-side apply), so the rest of coredns-custom is left alone.
      new k8s.core.v1.ConfigMapPatch(
        `${name}-coredns-custom`,
        {
          metadata: { name: "coredns-custom", namespace: "kube-system", labels },
          data: { [`zeroport-${name}.server`]: this.dnsSnippets.corednsCustom },
        },
        { parent: this },
      );
    }
    this.namespace = ns.name;
    this.daemonSetName = daemonSet.metadata.name;
    this.secretName = identity.name;
    this.registerOutputs({
      namespace: this.namespace,
      daemonSetName: this.daemonSetName,
      secretName: this.secretName,
      nameserver: this.nameserver,
      dnsSnippets: this.dnsSnippets,
    });
  }
}
