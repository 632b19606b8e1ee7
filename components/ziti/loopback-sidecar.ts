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
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
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
    // Off by default: NetworkPolicies add up, so in a namespace whose ingress is already
    // default-deny, a policy that admits every port but the proxy's would open the pods' other
    // ports to every source. `ziti tunnel proxy` binds its positional listeners to 0.0.0.0
    // (ziti v2.0.3 tunnel/intercept/proxy/proxy.go); turn this on where ingress is otherwise open.
    networkPolicy: z
      .boolean()
      .default(false)
      .describe(
        "Manage a NetworkPolicy that keeps other pods off the proxy ports (the listeners bind 0.0.0.0). Only for namespaces without default-deny ingress: policies add up, and this one admits every other port.",
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
    const seen = new Map<string, number>();
    a.services.forEach((s, i) => {
      for (const key of [`port ${s.port}/${s.protocol}`, `service ${s.name}/${s.protocol}`]) {
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["services", i],
            message: `repeats ${key} of services[${first}]`,
          });
        } else seen.set(key, i);
      }
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

/** `ziti tunnel proxy` arguments: one `service:port:protocol` per service. */
export function loopbackArgs(a: Pick<ResolvedLoopbackSidecarArgs, "services">): string[] {
  return [
    "tunnel",
    "proxy",
    "--identity",
    `${IDENTITY_DIR}/identity.json`,
    ...a.services.map((s) => `${s.name}:${s.port}:${s.protocol}`),
  ];
}

/**
 * Every port from 1 to 65535 except `excluded`, as NetworkPolicy port ranges: what other pods may
 * still reach once the proxy ports are closed to them.
 */
export function complementPorts(excluded: readonly number[]): { port: number; endPort?: number }[] {
  const out: { port: number; endPort?: number }[] = [];
  let start = 1;
  for (const p of [...new Set(excluded)].sort((x, y) => x - y)) {
    if (p > start) out.push(p - 1 > start ? { port: start, endPort: p - 1 } : { port: start });
    start = p + 1;
  }
  if (start <= 65535) out.push(start < 65535 ? { port: start, endPort: 65535 } : { port: start });
  return out;
}

/**
 * The ingress rule of the NetworkPolicy: every port of every protocol stays open except the proxy
 * ports, which only the pod itself (over loopback, which NetworkPolicy does not filter) can use.
 */
export function loopbackIngressPorts(a: Pick<ResolvedLoopbackSidecarArgs, "services">) {
  return (["TCP", "UDP", "SCTP"] as const).flatMap((protocol) =>
    complementPorts(
      a.services.filter((s) => s.protocol.toUpperCase() === protocol).map((s) => s.port),
    ).map((r) => ({ protocol, ...r })),
  );
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
      const tcp = a.services.find((s) => s.protocol === "tcp");
      const startupCheck = tcp
        ? { tcpSocket: { port: tcp.port } }
        : { exec: { command: ZITI_AGENT_PROBE } };
      const container = {
        ...base,
        name: LOOPBACK_CONTAINER,
        args: loopbackArgs(a),
        securityContext: containerSecurityContext(ZIGGY, escalations),
        // Ready once the first TCP listener accepts connections; a UDP-only proxy has no port to
        // probe, so then the CLI agent answering stands in.
        startupProbe: { ...startupCheck, periodSeconds: 2, failureThreshold: 90 },
        livenessProbe: {
          exec: { command: ZITI_AGENT_PROBE },
          periodSeconds: 30,
          timeoutSeconds: 5,
          failureThreshold: 3,
        },
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
 * owns the identity Secret and the NetworkPolicy that keeps other pods off the proxy ports.
 */
export class LoopbackSidecar extends SidecarComponent {
  readonly namespace: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  readonly networkPolicyName: pulumi.Output<string | undefined>;

  constructor(name: string, args: LoopbackSidecarArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LOOPBACK_SIDECAR_TYPE, name, {}, opts);
    const a = parseArgs(LoopbackSidecarArgsSchema, args, `LoopbackSidecar ${name}`, { name });
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
    this.attach(injection, a.select, a.namespace.name, `LoopbackSidecar ${name}`);
    this.registerOutputs({
      namespace: this.namespace,
      secretName: this.secretName,
      networkPolicyName: this.networkPolicyName,
    });
  }
}
