import { ClusterCidrs, rangeOverlapIssues } from "../core/cluster-cidrs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { zitiIdentityArgs, identityContents } from "../core/identity";
import { IMAGES, ImageRef } from "../core/images";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { Cidr4, IPv4, zitiNameserver } from "../core/net";
import { DnsSubdomain, Labels, Resources } from "../core/schemas";
import { parseArgs } from "../core/validation";
import { scaffold, scaffoldIdentity } from "../core/scaffold";
import { persistenceObject, persistentClaim } from "../core/storage";
import { EXEMPTION_ANNOTATION } from "../../policy/model";
import { corednsSnippets } from "./coredns-snippets";
import { renderNodeProxyPodSpec } from "./node-proxy-pod-spec";
import { warnUnsupportedZitiImage } from "./versions";

export * from "./coredns-snippets";
export * from "./node-proxy-pod-spec";

export const NODE_PROXY_TYPE = "zeroport:ziti:NodeProxyDaemonset";

/**
 * The node proxy's one named escalation of the exposure rules: hostNetwork (policy
 * host-network-pods). It declares no ports; its nameserver listens on the tun address only.
 */
const NODE_PROXY_EXEMPTION = {
  [EXEMPTION_ANNOTATION]:
    "zeroport NodeProxyDaemonset: ziti-edge-tunnel needs the node's network to route Ziti addresses and resolve Ziti names for every pod on the node; it declares no ports and its nameserver listens on the tun address only",
};
const COMPONENT = "ziti-node-proxy";

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
      "The tun address and the range Ziti names resolve into: ziti-edge-tunnel routes all of it to its tun device on the node, for every pod there. The default is the whole CGNAT block 100.64.0.0/10: pick a smaller range where the cluster uses any of it, and give clusterCidrs to have it checked.",
    ),
    dnsUpstream: IPv4.optional().describe(
      "The resolver for names that are not Ziti services: an IP address (ziti-edge-tunnel takes no port; it asks port 53).",
    ),
    clusterCidrs: ClusterCidrs,
    nodeSelector: Labels.default({}).describe(
      "Node labels the pods must match (label keys and values).",
    ),
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
            "`coredns-custom`: patch the kube-system/coredns-custom ConfigMap (k3s, AKS), then restart CoreDNS once (`kubectl -n kube-system rollout restart deployment/coredns`): its reload watches the Corefile, not imported files; `none`: only output the snippets.",
          ),
        nodeLocalDnsIp: IPv4.default("169.254.20.10").describe(
          "The NodeLocal DNSCache address, for its snippet.",
        ),
        kubeDnsIp: IPv4.default("10.96.0.10").describe(
          "The kube-dns Service IP: NodeLocal DNSCache in iptables mode also answers on it, so its snippet binds both.",
        ),
      })
      .strict()
      .default({
        zitiDomains: [],
        manage: "none",
        nodeLocalDnsIp: "169.254.20.10",
        kubeDnsIp: "10.96.0.10",
      }),
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
    rangeOverlapIssues(a.dnsIpRange, ["dnsIpRange"], a.clusterCidrs, "on every node", ctx);
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
    const a = parseArgs(NodeProxyDaemonsetArgsSchema, args, `NodeProxyDaemonset ${name}`, { name });
    warnUnsupportedZitiImage(a.image, this);
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
        metadata: { name, namespace: ns.name, labels, annotations: NODE_PROXY_EXEMPTION },
        spec: {
          selector: { matchLabels: selectorLabels(COMPONENT, name) },
          updateStrategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: a.maxUnavailable, maxSurge: 0 },
          },
          template: {
            // The pods carry it too: an admission guard judges each Pod the DaemonSet creates.
            metadata: { labels, annotations: NODE_PROXY_EXEMPTION },
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
    this.dnsSnippets = corednsSnippets(a.clusterDns.zitiDomains, this.nameserver, [
      a.clusterDns.nodeLocalDnsIp,
      a.clusterDns.kubeDnsIp,
    ]);
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
