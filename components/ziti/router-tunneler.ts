import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterCidrs, rangeOverlapIssues } from "../core/cluster-cidrs";
import { exposureSpec } from "../core/exposure";
import { sha256 } from "../core/hash";
import { zitiIdentityArgs, identityContents } from "../core/identity";
import { IMAGES, ImageRef } from "../core/images";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { Labels, Resources } from "../core/schemas";
import { parseArgs } from "../core/validation";
import { scaffold, scaffoldIdentity } from "../core/scaffold";
import { singlePodDeployment } from "../core/workload";
import { persistenceArgs, persistentClaim } from "../core/storage";
import { ROUTER_CONFIG_FILE, renderRouterConfig, stateVolumeName } from "./router-config";
import { renderRouterPodSpec } from "./router-pod-spec";
import { Listener, Tunnel } from "./router-tunnel-args";
import { warnUnsupportedZitiImage } from "./versions";

export * from "./router-config";
export * from "./router-pod-spec";

export const ROUTER_TUNNELER_TYPE = "zeroport:ziti:RouterTunneler";
const COMPONENT = "ziti-router";

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
    clusterCidrs: ClusterCidrs,
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
    if (a.tunnel.mode === "tproxy")
      rangeOverlapIssues(
        a.tunnel.dnsSvcIpRange,
        ["tunnel", "dnsSvcIpRange"],
        a.clusterCidrs,
        "in the pod",
        ctx,
      );
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
