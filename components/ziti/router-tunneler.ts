import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ServiceExposure, exposureSpec } from "../core/exposure";
import { sha256 } from "../core/hash";
import { zitiIdentityArgs, identityContents } from "../core/identity";
import { IMAGES, ImageRef } from "../core/images";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { Cidr4, DnsUri, parseIPv4 } from "../core/net";
import { DnsSubdomain, Labels, Port, Resources } from "../core/schemas";
import { parseArgs } from "../core/validation";
import { scaffold, scaffoldIdentity } from "../core/scaffold";
import { singlePodDeployment } from "../core/workload";
import { persistenceArgs, persistentClaim } from "../core/storage";
import { ROUTER_CONFIG_FILE, renderRouterConfig, stateVolumeName } from "./router-config";
import { renderRouterPodSpec } from "./router-pod-spec";
import { warnUnsupportedZitiImage } from "./versions";

export * from "./router-config";
export * from "./router-pod-spec";

export const ROUTER_TUNNELER_TYPE = "zeroport:ziti:RouterTunneler";
const COMPONENT = "ziti-router";

const Host = z
  .string()
  .refine(
    (h) => parseIPv4(h) !== undefined || DnsSubdomain.safeParse(h).success,
    "must be a DNS name (lower case) or an IPv4 address that clients use to reach the router",
  );

const Listener = z
  .object({
    advertisedHost: Host.describe(
      "The name clients dial; it goes into the certificate's SANs at enrollment.",
    ),
    advertisedPort: Port.default(443),
    containerPort: Port.min(1024, "must be 1024 or above: the router runs as non-root").default(
      3022,
    ),
    service: ServiceExposure,
  })
  .strict();
export type RouterListener = z.output<typeof Listener>;

const ProxyService = z
  .object({
    name: z.string().regex(/^[^:\s][^:]*$/, "must be a Ziti service name without ':'"),
    port: Port.min(1024, "must be 1024 or above: the router runs as non-root"),
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
  })
  .strict();

const Tunnel = z
  .discriminatedUnion("mode", [
    z.object({ mode: z.literal("host") }).strict(),
    z.object({ mode: z.literal("none") }).strict(),
    z
      .object({
        mode: z.literal("tproxy"),
        resolver: DnsUri.default("udp://127.0.0.1:53"),
        dnsSvcIpRange: Cidr4.default("100.64.0.1/10"),
      })
      .strict(),
    z
      .object({
        mode: z.literal("proxy"),
        services: z.array(ProxyService).min(1, "must list at least one service to proxy"),
        service: z
          .enum(["clusterIP", "headless"])
          .default("clusterIP")
          .describe("The Service in front of the proxy ports."),
      })
      .strict(),
  ])
  .default({ mode: "host" });

/** The arguments of {@link RouterTunneler}. */
export const RouterTunnelerArgsSchema = z
  .object({
    namespace: NamespaceArgs,
    enrollment: zitiIdentityArgs("router").describe(
      "The router's one-time enrollment JWT (`ziti edge create edge-router <name> --tunneler-enabled --jwt-output-file …`), or an existing Secret holding it.",
    ),
    image: ImageRef.default(IMAGES.zitiRouter),
    controller: z
      .object({
        endpoint: z
          .string()
          .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "must be host:port")
          .optional(),
      })
      .strict()
      .default({})
      .describe(
        "Override the controller address from the JWT, for example ziti-controller-ctrl.ziti.svc:1280.",
      ),
    tunnel: Tunnel.describe(
      "The built-in tunneler: `host` (default), `tproxy`, `proxy` or `none`.",
    ),
    edge: Listener.optional().describe(
      "An edge listener for SDK clients; off by default (private router).",
    ),
    link: Listener.optional().describe(
      "A link listener for other routers; off by default (the router dials out).",
    ),
    persistence: persistenceArgs("50Mi"),
    resources: Resources.default({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    }),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (identityContents(a.enrollment) === "json") {
      ctx.addIssue({
        code: "custom",
        path: ["enrollment"],
        message:
          "must be an enrollment JWT (`jwt`, or an existing Secret with contents jwt): a router enrolls itself into its volume",
      });
    }
    if (a.tunnel.mode === "proxy") {
      const seen = new Set<string>();
      a.tunnel.services.forEach((svc, i) => {
        const key = `${svc.port}/${svc.protocol}`;
        if (seen.has(key))
          ctx.addIssue({
            code: "custom",
            path: ["tunnel", "services", i, "port"],
            message: `repeats port ${key}`,
          });
        seen.add(key);
      });
    }
    if (
      a.edge &&
      a.link &&
      a.edge.containerPort === a.link.containerPort &&
      a.edge.advertisedHost !== a.link.advertisedHost
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["link", "advertisedHost"],
        message: "must equal edge.advertisedHost when both listeners share a container port",
      });
    }
  });

export type RouterTunnelerArgs = z.input<typeof RouterTunnelerArgsSchema>;
export type ResolvedRouterTunnelerArgs = z.output<typeof RouterTunnelerArgsSchema>;

/**
 * An OpenZiti edge router with its built-in tunneler, hosting services for cluster addresses.
 * Private by default: it dials out its links and exposes nothing.
 */
export class RouterTunneler extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly configMapName: pulumi.Output<string>;
  readonly volumeName: pulumi.Output<string>;
  readonly serviceNames: pulumi.Output<string[]>;
  /** The rendered router config (no secrets in it). */
  readonly config: string;

  constructor(name: string, args: RouterTunnelerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ROUTER_TUNNELER_TYPE, name, {}, opts);
    const a = parseArgs(RouterTunnelerArgsSchema, args, `RouterTunneler ${name}`, {
      name,
      serviceName: true,
    });
    warnUnsupportedZitiImage(a.image, this);
    const sc = scaffold(
      this,
      name,
      "RouterTunneler",
      COMPONENT,
      a,
      a.tunnel.mode === "tproxy" ? "privileged" : "restricted",
    );
    const { labels, ns } = sc;
    const enrollment = scaffoldIdentity(sc, a.enrollment, "router", "enrollment");
    this.config = renderRouterConfig(a, name);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `${name}-config`, namespace: ns.name, labels },
        data: { [ROUTER_CONFIG_FILE]: this.config },
      },
      { parent: this },
    );
    const volumeName = stateVolumeName(name, a);
    const pvc = persistentClaim(
      volumeName,
      { namespace: ns.name, labels, persistence: a.persistence, accessMode: "ReadWriteOnce" },
      this,
    );
    const deployment = singlePodDeployment(
      name,
      {
        namespace: ns.name,
        labels,
        selector: selectorLabels(COMPONENT, name),
        replicas: 1,
        podAnnotations: { "zeroport.io/config-checksum": sha256(this.config) },
        podSpec: renderRouterPodSpec(a, {
          name,
          enrollment,
          configMapName: configMap.metadata.name,
          volumeClaimName: pvc.metadata.name,
        }),
      },
      { parent: this, dependsOn: enrollment.secret ? [enrollment.secret] : [] },
    );
    const services = this.services(name, a, ns.name, labels);
    this.namespace = ns.name;
    this.deploymentName = deployment.metadata.name;
    this.configMapName = configMap.metadata.name;
    this.volumeName = pvc.metadata.name;
    this.serviceNames = pulumi.all(services.map((s) => s.metadata.name));
    this.registerOutputs({
      namespace: this.namespace,
      deploymentName: this.deploymentName,
      configMapName: this.configMapName,
      volumeName: this.volumeName,
      serviceNames: this.serviceNames,
    });
  }

  private services(
    name: string,
    a: ResolvedRouterTunnelerArgs,
    namespace: pulumi.Input<string>,
    labels: Record<string, string>,
  ): k8s.core.v1.Service[] {
    const selector = selectorLabels(COMPONENT, name);
    const services: {
      name: string;
      spec: Record<string, unknown>;
      annotations?: Record<string, string>;
    }[] = [];
    for (const [kind, l] of [
      ["edge", a.edge],
      ["link", a.link],
    ] as const) {
      if (!l) continue;
      services.push({
        name: `${name}-${kind}`,
        spec: {
          ...exposureSpec(l.service),
          selector,
          ports: [
            { name: kind, port: l.advertisedPort, targetPort: l.containerPort, protocol: "TCP" },
          ],
        },
        annotations: l.service.annotations,
      });
    }
    if (a.tunnel.mode === "proxy") {
      services.push({
        name: `${name}-proxy`,
        spec: {
          ...(a.tunnel.service === "headless" ? { clusterIP: "None" } : { type: "ClusterIP" }),
          selector,
          ports: a.tunnel.services.map((s) => ({
            name: `${s.protocol}-${s.port}`,
            port: s.port,
            targetPort: s.port,
            protocol: s.protocol.toUpperCase(),
          })),
        },
      });
    }
    return services.map(
      (svc) =>
        new k8s.core.v1.Service(
          svc.name,
          {
            metadata: {
              name: svc.name,
              namespace,
              labels,
              ...(svc.annotations && Object.keys(svc.annotations).length > 0
                ? { annotations: svc.annotations }
                : {}),
            },
            spec: svc.spec,
          },
          { parent: this },
        ),
    );
  }
}
