import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ENROLLMENT_TOKEN_DIR, zitiIdentityArgs } from "../core/identity";
import { IMAGES, ImageRef } from "../core/images";
import {
  WorkloadSelector,
  type Injection,
  type PodSpec,
  type WorkloadContext,
} from "../core/injection";
import { NamespaceArgs } from "../core/namespace";
import { ZITI_AGENT_PROBE } from "../core/probes";
import { Labels, Port, Resources } from "../core/schemas";
import { containerSecurityContext, type Escalation, type RunAs } from "../core/security";
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
import { bindGuardCommand, loopbackListenersProbe, proxyV1Config } from "./proxy-binding";
import { loopbackIngressPorts } from "./proxy-network-policy";
import { warnUnsupportedZitiImage } from "./versions";

export { complementPorts, loopbackIngressPorts } from "./proxy-network-policy";
export { proxyV1Config } from "./proxy-binding";

export const LOOPBACK_SIDECAR_TYPE = "zeroport:ziti:LoopbackSidecar";
export const LOOPBACK_CONTAINER = "ziti-loopback";
const IDENTITY_DIR = "/ziti";
/** openziti/ziti-cli runs as ziggy (2171:2171) and needs no privilege for ports from 1024 up. */
const ZIGGY: RunAs = { uid: 2171, gid: 2171 };

const ProxyService = z
  .object({
    name: z
      .string()
      .max(255)
      .regex(
        /^[^:\s-][^:]*$/,
        "must be a Ziti service name without ':' (the separator in `service:port`) and not starting with '-' or a space",
      ),
    port: Port.describe("The local port the application connects to."),
    protocols: z
      .array(z.enum(["tcp", "udp"]))
      .min(1)
      .refine((p) => new Set(p).size === p.length, "must not repeat a protocol")
      .default(["tcp"])
      .describe(
        "tcp, udp or both, on the same port: proxy.v1's shape, since ziti keeps one entry per service.",
      ),
  })
  .strict();

/** The arguments of {@link LoopbackSidecar}. */
export const LoopbackSidecarArgsSchema = z
  .object({
    namespace: NamespaceArgs.describe("Where the identity Secret and the NetworkPolicy live."),
    identity: zitiIdentityArgs("identity"),
    services: z
      .array(ProxyService)
      .min(1, "must list at least one Ziti service")
      .describe("One local port per Ziti service."),
    allowPrivilegedPorts: z
      .boolean()
      .default(false)
      .describe(
        "Allow ports below 1024; adds NET_BIND_SERVICE (the only capability the restricted profile permits). Runtime-dependent: Kubernetes sets no ambient capabilities, so a non-root process binds below 1024 only where the runtime sets net.ipv4.ip_unprivileged_port_start=0 (containerd and CRI-O do by default); prefer ports from 1024.",
      ),
    listen: z
      .enum(["loopback", "pod-network"])
      .default("loopback")
      .describe(
        "Where the proxy listens. `loopback`: 127.0.0.1 only; every service needs a proxy.v1 config on the controller with the same port and protocol and `binding: 127.0.0.1` (the `proxyV1Configs` output), and a service without it fails to listen instead of opening its port to the pod network. `pod-network`: ziti's default, 0.0.0.0, so any pod that reaches the pod IP uses this identity (an escalation; see networkPolicy).",
      ),
    // Only with listen: pod-network, and off by default: NetworkPolicies add up, so in a namespace
    // whose ingress is already default-deny, a policy that admits every port but the proxy's would
    // open the pods' other ports to every source (components/ziti/proxy-network-policy.ts).
    networkPolicy: z
      .boolean()
      .default(false)
      .describe(
        "With listen: pod-network, manage a NetworkPolicy that keeps other pods off the proxy ports. Only for namespaces without default-deny ingress: policies add up, and this one admits every other port.",
      ),
    select: WorkloadSelector.optional(),
    image: ImageRef.default(IMAGES.zitiCli).describe(
      "The openziti/ziti-cli image (`ziti tunnel proxy`), which runs as non-root.",
    ),
    start: SidecarStart,
    resources: Resources.default(DEFAULT_SIDECAR_RESOURCES),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.networkPolicy && a.listen === "loopback") {
      ctx.addIssue({
        code: "custom",
        path: ["networkPolicy"],
        message:
          "is for listen: pod-network; with listen: loopback nothing outside the pod reaches the proxy ports, and the policy would only admit other ports",
      });
    }
    const seen = new Map<string, number>();
    a.services.forEach((s, i) => {
      // ziti keeps the last command-line entry of a service (ziti v2.0.3
      // tunnel/intercept/proxy/proxy.go:132) and the controller one proxy.v1 config per service.
      const keys = [`service ${s.name}`, ...new Set(s.protocols.map((p) => `port ${s.port}/${p}`))];
      for (const key of keys) {
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["services", i],
            message: key.startsWith("service")
              ? `repeats ${key} of services[${first}]: ziti keeps one entry per service; list every protocol in that entry's protocols`
              : `repeats ${key} of services[${first}]`,
          });
        } else seen.set(key, i);
      }
      if (a.listen === "pod-network" && s.protocols.length > 1)
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "protocols"],
          message:
            "takes one protocol with listen: pod-network: a command-line service is `name:port:protocol`, one per service; for both, use listen: loopback with a proxy.v1 config that lists both",
        });
      if (s.port >= 1 && s.port < 1024 && !a.allowPrivilegedPorts) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "port"],
          message:
            "is below 1024, which a non-root process may bind only with NET_BIND_SERVICE: use a port from 1024 up, or set allowPrivilegedPorts: true",
        });
      }
    });
  });

export type LoopbackSidecarArgs = z.input<typeof LoopbackSidecarArgsSchema>;
export type ResolvedLoopbackSidecarArgs = z.output<typeof LoopbackSidecarArgsSchema>;

/** `ziti tunnel proxy` arguments: one `service:port:protocol` per service (its first protocol). */
export function loopbackArgs(a: Pick<ResolvedLoopbackSidecarArgs, "services">): string[] {
  return [
    "tunnel",
    "proxy",
    "--identity",
    `${IDENTITY_DIR}/identity.json`,
    // With listen: loopback, each service's proxy.v1 config replaces this entry, protocols and all.
    ...a.services.map((s) => `${s.name}:${s.port}:${s.protocols[0] ?? "tcp"}`),
  ];
}

/**
 * How the proxy starts and when it is ready. On loopback the bind guard runs first and the probe
 * reads the kernel's socket tables: the kubelet's tcpSocket probe dials the pod IP, which a
 * loopback listener never answers. On the pod network, ready once the first TCP listener accepts;
 * a UDP-only proxy has no port to probe, so then the CLI agent answering stands in.
 */
export function loopbackProcess(a: Pick<ResolvedLoopbackSidecarArgs, "services" | "listen">) {
  const periods = { periodSeconds: 2, failureThreshold: 90 };
  const alive = { periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 };
  if (a.listen === "loopback") {
    const listeners = { exec: { command: loopbackListenersProbe(a.services) }, timeoutSeconds: 5 };
    return {
      command: bindGuardCommand(a.services, loopbackArgs(a)),
      startupProbe: { ...listeners, ...periods },
      // Listeners can change while the pod runs (services are re-read at re-authentication):
      // not alive while one is missing or one listens beyond loopback.
      livenessProbe: { ...listeners, ...alive },
    };
  }
  const tcp = a.services.find((s) => s.protocols.includes("tcp"));
  const check = tcp ? { tcpSocket: { port: tcp.port } } : { exec: { command: ZITI_AGENT_PROBE } };
  return {
    args: loopbackArgs(a),
    startupProbe: { ...check, ...periods },
    livenessProbe: { exec: { command: ZITI_AGENT_PROBE }, ...alive },
  };
}

/** The proxy.v1 configs `listen: loopback` needs on the controller, one per service. */
export function loopbackProxyConfigs(a: Pick<ResolvedLoopbackSidecarArgs, "services" | "listen">) {
  return a.listen === "loopback"
    ? a.services.map((s) => ({ service: s.name, config: proxyV1Config(s) }))
    : [];
}

/** The loopback sidecar as a pure pod-spec function, for one identity Secret. */
export function loopbackInjection(
  a: ResolvedLoopbackSidecarArgs,
  identity: SidecarIdentity,
  instance: string,
): Injection {
  const escalations: Escalation[] = a.services.some((s) => s.port < 1024)
    ? [
        {
          kind: "capability",
          capability: "NET_BIND_SERVICE",
          reason: "allowPrivilegedPorts: a proxy port below 1024",
        },
      ]
    : [];
  return {
    podLabels: { "zeroport.io/loopback-sidecar": instance },
    inject(spec: PodSpec, workload: WorkloadContext): PodSpec {
      if (hasContainer(spec, LOOPBACK_CONTAINER)) return spec;
      checkIdentityFits(identity, workload);
      const { volumes, mounts } = sidecarIdentityVolumes(
        identity,
        LOOPBACK_CONTAINER,
        IDENTITY_DIR,
        "identity",
      );
      volumes.push({ name: `${LOOPBACK_CONTAINER}-tmp`, emptyDir: { sizeLimit: "16Mi" } });
      const tmp = { name: `${LOOPBACK_CONTAINER}-tmp`, mountPath: "/tmp" };
      const base = {
        image: a.image,
        imagePullPolicy: "IfNotPresent",
        resources: a.resources,
        volumeMounts: [...mounts, tmp],
      };
      // ziti-cli has no enrolling entrypoint: enroll a one-time token into the pod's volume first.
      const enroll =
        identity.contents === "jwt"
          ? [
              {
                ...base,
                name: `${LOOPBACK_CONTAINER}-enroll`,
                command: [
                  "/bin/sh",
                  "-c",
                  `test -s ${IDENTITY_DIR}/identity.json || exec ziti edge enroll --jwt ${ENROLLMENT_TOKEN_DIR}/identity.jwt --out ${IDENTITY_DIR}/identity.json`,
                ],
                securityContext: containerSecurityContext(ZIGGY),
              },
            ]
          : [];
      const container = {
        ...base,
        name: LOOPBACK_CONTAINER,
        ...loopbackProcess(a),
        securityContext: containerSecurityContext(ZIGGY, escalations),
      };
      return placeSidecar(spec, workload, {
        container,
        initContainers: enroll,
        volumes,
        start: a.start,
      });
    },
  };
}

/**
 * A local port per Ziti service, no interception: injects `ziti tunnel proxy` into selected pods,
 * listening on 127.0.0.1 only unless `listen: pod-network`, and owns the identity Secret.
 */
export class LoopbackSidecar extends SidecarComponent {
  readonly namespace: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  readonly networkPolicyName: pulumi.Output<string | undefined>;
  /** With listen: loopback, the proxy.v1 config each service needs (`ziti edge create config`). */
  readonly proxyV1Configs: pulumi.Output<ReturnType<typeof loopbackProxyConfigs>>;

  constructor(name: string, args: LoopbackSidecarArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LOOPBACK_SIDECAR_TYPE, name, {}, opts);
    const a = parseArgs(LoopbackSidecarArgsSchema, args, `LoopbackSidecar ${name}`, { name });
    warnUnsupportedZitiImage(a.image, this);
    const sc = scaffold(this, name, "LoopbackSidecar", "ziti-loopback-sidecar", a, "restricted");
    const { labels, ns } = sc;
    const identity = scaffoldIdentity(sc, a.identity);
    const injection = loopbackInjection(
      a,
      {
        secretName: identity.plainName,
        key: identity.key,
        contents: identity.contents,
        namespace: a.namespace.name,
      },
      name,
    );
    const policy = a.networkPolicy
      ? new k8s.networking.v1.NetworkPolicy(
          `${name}-proxy-ports`,
          {
            metadata: { name: `${name}-proxy-ports`, namespace: ns.name, labels },
            spec: {
              podSelector: { matchLabels: injection.podLabels },
              policyTypes: ["Ingress"],
              ingress: [{ ports: loopbackIngressPorts(a) }],
            },
          },
          { parent: this },
        )
      : undefined;
    this.namespace = ns.name;
    this.secretName = identity.name;
    this.networkPolicyName = policy ? policy.metadata.name : pulumi.output(undefined);
    this.proxyV1Configs = pulumi.output(loopbackProxyConfigs(a));
    this.attach(injection, a.select, a.namespace.name, `LoopbackSidecar ${name}`);
    this.registerOutputs({
      namespace: this.namespace,
      secretName: this.secretName,
      networkPolicyName: this.networkPolicyName,
      proxyV1Configs: this.proxyV1Configs,
    });
  }
}
