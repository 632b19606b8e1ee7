import { ClusterCidrs, rangeOverlapIssues } from "../core/cluster-cidrs";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { IMAGES, ImageRef } from "../core/images";
import { zitiIdentityArgs } from "../core/identity";
import {
  WorkloadSelector,
  SidecarRefusal,
  type Injection,
  type PodSpec,
  type WorkloadContext,
} from "../core/injection";
import { NamespaceArgs } from "../core/namespace";
import { Cidr4, DnsUri, IPv4, parseCidr } from "../core/net";
import { ZITI_AGENT_PROBE } from "../core/probes";
import { resolverProbeCommand } from "./resolver-probe";
import { DnsSubdomain, Labels, Resources } from "../core/schemas";
import { NOBODY, containerSecurityContext, type Escalation } from "../core/security";
import {
  DEFAULT_SIDECAR_RESOURCES,
  SidecarStart,
  checkIdentityFits,
  hasContainer,
  placeSidecar,
  sidecarIdentityVolumes,
  type SidecarIdentity,
} from "../core/sidecar";
import { parseArgs } from "../core/validation";
import { scaffold, scaffoldIdentity } from "../core/scaffold";
import { SidecarComponent } from "../core/sidecar-component";
import { warnUnsupportedZitiImage } from "./versions";

export const TPROXY_SIDECAR_TYPE = "zeroport:ziti:TproxySidecar";
export const TPROXY_CONTAINER = "ziti-tproxy";
/** The legacy Go tunneler image's identity directory (its `ZITI_IDENTITY_DIR` default). */
const IDENTITY_DIR = "/netfoundry";

/**
 * The transparent proxy edits the pod's iptables (a TPROXY chain in the mangle table) and answers
 * DNS on port 53, so it needs NET_ADMIN, binding below 1024 (NET_BIND_SERVICE), and root: the
 * iptables binary refuses to run for any other user even with the capability. Everything else
 * stays dropped.
 */
export const TPROXY_ESCALATIONS: readonly Escalation[] = [
  { kind: "root", reason: "iptables checks for UID 0 as well as CAP_NET_ADMIN" },
  {
    kind: "capability",
    capability: "NET_ADMIN",
    reason: "TPROXY rules in the pod's network namespace",
  },
  {
    kind: "capability",
    capability: "NET_BIND_SERVICE",
    reason: "the Ziti nameserver listens on port 53",
  },
];

const RESOLVER_URI = /^udp:\/\/(127(?:\.\d{1,3}){3}):53$/;

/** The arguments of {@link TproxySidecar}. */
export const TproxySidecarArgsSchema = z
  .object({
    namespace: NamespaceArgs.describe(
      "Where the identity Secret lives; only workloads in this namespace can use it.",
    ),
    identity: zitiIdentityArgs("identity").describe(
      "The client identity; `json` is the one that suits several pods.",
    ),
    select: WorkloadSelector.optional().describe("The workloads the transform injects into."),
    image: ImageRef.default(IMAGES.zitiTunnel).describe(
      "The openziti/ziti-tunnel image (`ziti tunnel tproxy`).",
    ),
    start: SidecarStart,
    clusterDns: z
      .object({
        ip: IPv4.default("10.96.0.10").describe(
          "The cluster DNS Service IP: `kubectl -n kube-system get svc kube-dns -o jsonpath='{.spec.clusterIP}'` " +
            "(10.96.0.10 on kubeadm and kind, 10.43.0.10 on k3s).",
        ),
        domain: DnsSubdomain.default("cluster.local").describe("The cluster domain."),
      })
      .strict()
      .default({ ip: "10.96.0.10", domain: "cluster.local" }),
    resolver: DnsUri.default("udp://127.0.0.1:53").describe(
      "Where the Ziti nameserver listens: UDP on the pod's loopback, port 53.",
    ),
    dnsIpRange: Cidr4.default("100.64.0.1/10").describe(
      "The range Ziti names resolve into, intercepted by TPROXY: `ziti tunnel tproxy` adds all of it to the pod's lo, so every address in it is local to the pod. The default is the whole CGNAT block 100.64.0.0/10: pick a smaller range where the cluster uses any of it, and give clusterCidrs to have it checked.",
    ),
    clusterCidrs: ClusterCidrs,
    dnsUnanswerable: z
      .enum(["refused", "timeout", "servfail"])
      .default("refused")
      .describe(
        "The answer for names Ziti does not know; `refused` sends the resolver on to cluster DNS.",
      ),
    dnsUpstream: DnsUri.optional().describe(
      "Forward non-Ziti names here; the pod then asks only the Ziti resolver. Use it for musl (Alpine) clients, which ask every nameserver at once and take the first NOERROR/NXDOMAIN, so cluster DNS can beat Ziti's answer. Prefer tcp:// (as tcp://10.96.0.10:53): the resolver serves the pod over UDP only and passes upstream answers on unchanged, so a udp:// upstream's truncated answer sends the client to TCP on 127.0.0.1:53, where nothing listens; over tcp:// the whole answer comes back in one datagram (docs/upstream.md U29).",
    ),
    resources: Resources.default(DEFAULT_SIDECAR_RESOURCES),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    // `ziti tunnel` serves DNS over UDP only (ziti v2.0.3 tunnel/dns/server.go:119-130), and
    // resolv.conf names nameservers without ports.
    if (!RESOLVER_URI.test(a.resolver)) {
      ctx.addIssue({
        code: "custom",
        path: ["resolver"],
        message: "must be UDP on a loopback address at port 53, such as udp://127.0.0.1:53",
      });
    }
    rangeOverlapIssues(a.dnsIpRange, ["dnsIpRange"], a.clusterCidrs, "in the pod", ctx);
    const range = parseCidr(a.dnsIpRange);
    if (range && range.prefix > 30)
      ctx.addIssue({
        code: "custom",
        path: ["dnsIpRange"],
        message: "must leave room for Ziti names: a prefix of /30 or shorter",
      });
  });

export type TproxySidecarArgs = z.input<typeof TproxySidecarArgsSchema>;
export type ResolvedTproxySidecarArgs = z.output<typeof TproxySidecarArgsSchema>;

/** The loopback address the Ziti resolver listens on (validated by the schema). */
function resolverHost(a: ResolvedTproxySidecarArgs): string {
  return RESOLVER_URI.exec(a.resolver)?.[1] ?? "127.0.0.1";
}

/**
 * The pod DNS settings: the Ziti nameserver first, then cluster DNS, and the usual search list.
 * With `dnsUpstream` the Ziti resolver forwards every other name itself and is the only
 * nameserver, so musl's parallel queries cannot race it.
 */
export function tproxyDnsConfig(a: ResolvedTproxySidecarArgs, namespace: string) {
  const resolverIp = resolverHost(a);
  const d = a.clusterDns.domain;
  return {
    nameservers: a.dnsUpstream ? [resolverIp] : [resolverIp, a.clusterDns.ip],
    searches: [`${namespace}.svc.${d}`, `svc.${d}`, d],
    options: [{ name: "ndots", value: "5" }],
  };
}

/** The tproxy sidecar as a pure pod-spec function, for one identity Secret. */
export function tproxyInjection(
  a: ResolvedTproxySidecarArgs,
  identity: SidecarIdentity,
  instance: string,
): Injection {
  return {
    podLabels: { "zeroport.io/tproxy-sidecar": instance },
    inject(spec: PodSpec, workload: WorkloadContext): PodSpec {
      if (hasContainer(spec, TPROXY_CONTAINER)) return spec;
      if (spec.hostNetwork === true) {
        throw new SidecarRefusal(
          workload,
          "the pod uses hostNetwork, so TPROXY rules would intercept the node's traffic; use NodeProxyDaemonset for node-wide access",
        );
      }
      const other = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c) =>
        [
          ...((c.command as string[] | undefined) ?? []),
          ...((c.args as string[] | undefined) ?? []),
        ].includes("tproxy"),
      );
      if (other)
        throw new SidecarRefusal(
          workload,
          `container ${String(other.name)} already runs a tproxy tunneler; two would fight over the same iptables chain`,
        );
      const dnsConfig = tproxyDnsConfig(a, workload.namespace);
      const existing = (spec.dnsConfig as { nameservers?: string[] } | undefined)?.nameservers;
      if (
        spec.dnsPolicy === "None" &&
        existing &&
        JSON.stringify(existing) !== JSON.stringify(dnsConfig.nameservers)
      ) {
        throw new SidecarRefusal(
          workload,
          `the pod sets dnsPolicy None with nameservers ${existing.join(", ")}; the Ziti nameserver must come first`,
        );
      }
      checkIdentityFits(identity, workload);
      const { volumes, mounts } = sidecarIdentityVolumes(
        identity,
        TPROXY_CONTAINER,
        IDENTITY_DIR,
        "identity",
      );
      volumes.push(
        { name: `${TPROXY_CONTAINER}-tmp`, emptyDir: { sizeLimit: "16Mi" } },
        { name: `${TPROXY_CONTAINER}-run`, emptyDir: { sizeLimit: "1Mi" } },
      );
      mounts.push(
        { name: `${TPROXY_CONTAINER}-tmp`, mountPath: "/tmp" },
        { name: `${TPROXY_CONTAINER}-run`, mountPath: "/run" },
      );
      // Startup asks the resolver (the app waits for DNS); liveness asks the agent (the process).
      const resolverProbe = resolverProbeCommand(resolverHost(a), 53, a.dnsUnanswerable);
      const container = {
        name: TPROXY_CONTAINER,
        image: a.image,
        imagePullPolicy: "IfNotPresent",
        args: [
          "tproxy",
          "--resolver",
          a.resolver,
          "--dnsSvcIpRange",
          a.dnsIpRange,
          "--dnsUnanswerable",
          a.dnsUnanswerable,
          ...(a.dnsUpstream ? ["--dnsUpstream", a.dnsUpstream] : []),
        ],
        env: [
          { name: "ZITI_IDENTITY_DIR", value: IDENTITY_DIR },
          { name: "ZITI_IDENTITY_BASENAME", value: "identity" },
        ],
        volumeMounts: mounts,
        resources: a.resources,
        securityContext: containerSecurityContext(NOBODY, TPROXY_ESCALATIONS),
        startupProbe: {
          exec: { command: resolverProbe },
          timeoutSeconds: 5,
          periodSeconds: 2,
          failureThreshold: 90,
        },
        livenessProbe: {
          exec: { command: ZITI_AGENT_PROBE },
          timeoutSeconds: 5,
          periodSeconds: 30,
          failureThreshold: 3,
        },
      };
      return {
        ...placeSidecar(spec, workload, { container, volumes, start: a.start }),
        dnsPolicy: "None",
        dnsConfig,
      };
    },
  };
}

/**
 * Transparent interception for existing workloads: injects `ziti tunnel tproxy` into selected pods
 * (with `transform`) or any pod spec (with `injectPodSpec`), and owns the identity Secret.
 */
export class TproxySidecar extends SidecarComponent {
  readonly namespace: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: TproxySidecarArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TPROXY_SIDECAR_TYPE, name, {}, opts);
    const a = parseArgs(TproxySidecarArgsSchema, args, `TproxySidecar ${name}`, { name });
    warnUnsupportedZitiImage(a.image, this);
    // The pods this namespace will run need NET_ADMIN and root: only the privileged level admits them.
    const sc = scaffold(this, name, "TproxySidecar", "ziti-tproxy-sidecar", a, "privileged");
    const { ns } = sc;
    const identity = scaffoldIdentity(sc, a.identity);
    const injection = tproxyInjection(
      a,
      {
        secretName: identity.plainName,
        key: identity.key,
        contents: identity.contents,
        namespace: a.namespace.name,
      },
      name,
    );
    this.namespace = ns.name;
    this.secretName = identity.name;
    this.attach(injection, a.select, a.namespace.name, `TproxySidecar ${name}`);
    this.registerOutputs({ namespace: this.namespace, secretName: this.secretName });
  }
}
