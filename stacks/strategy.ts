import { z } from "zod";

/**
 * The facts the decision chart asks about (the OpenZiti guide "Connecting Kubernetes Workloads
 * with OpenZiti", plus the ZTM choice zeroport adds).
 */
export const FactsSchema = z
  .object({
    overlay: z
      .enum(["openziti", "ztm"])
      .default("openziti")
      .describe("Which overlay: OpenZiti or a Flomesh ZTM mesh."),
    dialsZitiService: z
      .boolean()
      .optional()
      .describe("Does the workload connect to an OpenZiti service (egress)?"),
    placement: z
      .enum(["pod", "node"])
      .optional()
      .describe("Egress: a sidecar in the pod, or a proxy on the node?"),
    usesDnsOrIp: z
      .boolean()
      .optional()
      .describe(
        "Egress in a pod: does the workload reach the service by DNS name or IP (not a local port)?",
      ),
    routerInstalled: z
      .boolean()
      .optional()
      .describe("Ingress: is an OpenZiti router installed in the cluster?"),
    nginxInstalled: z.boolean().optional().describe("Ingress: is nginx installed in the cluster?"),
    crossCluster: z.boolean().default(false).describe("ZTM: connect two clusters?"),
  })
  .strict()
  .superRefine((f, ctx) => {
    const need = (key: keyof typeof f, why: string) => {
      if (f[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: `is required ${why}` });
    };
    if (f.overlay === "ztm") return;
    need("dialsZitiService", "for OpenZiti: does the workload dial a Ziti service?");
    if (f.dialsZitiService === true) {
      need("placement", "when the workload dials a Ziti service: pod or node");
      if (f.placement === "pod")
        need("usesDnsOrIp", "for a pod sidecar: does the workload use DNS names or IPs?");
    }
    if (f.dialsZitiService === false) {
      need(
        "routerInstalled",
        "when the workload does not dial Ziti: is an OpenZiti router installed?",
      );
      if (f.routerInstalled === false)
        need("nginxInstalled", "when no router is installed: is nginx installed?");
    }
  });
export type Facts = z.input<typeof FactsSchema>;

/** What the chart recommends, and why. */
export interface Strategy {
  id:
    | "node-proxy"
    | "egress-tproxy"
    | "egress-loopback"
    | "ingress-router"
    | "ingress-nginx"
    | "ziti-host"
    | "ztm-mesh"
    | "ztm-cross-cluster";
  component: string;
  blueprint: string;
  reasons: string[];
}

/** The decision chart as a pure function: facts in (validated), a strategy and its chain of reasons out. */
export function chooseStrategy(facts: z.output<typeof FactsSchema>): Strategy {
  const reasons: string[] = [];
  const pick = (id: Strategy["id"], component: string, why: string): Strategy => ({
    id,
    component,
    blueprint: id,
    reasons: [...reasons, why],
  });
  if (facts.overlay === "ztm") {
    reasons.push(
      "a ZTM mesh is wanted: agents dial out to one hub, and services cross through HTTP/2 tunnels",
    );
    return facts.crossCluster
      ? pick(
          "ztm-cross-cluster",
          "ZtmHub + ZtmAgent",
          "two clusters: the hub and an exit agent in one, an agent with inbound tunnels in the other",
        )
      : pick(
          "ztm-mesh",
          "ZtmHub + ZtmAgent",
          "one cluster: the hub and an agent exposing cluster services through an outbound tunnel and the proxy",
        );
  }
  if (facts.dialsZitiService) {
    reasons.push(
      "the workload connects to an OpenZiti service, so it needs a tunneler for its egress",
    );
    if (facts.placement === "node") {
      return pick(
        "node-proxy",
        "NodeProxyDaemonset",
        "node placement: a tun proxy daemonset gives every pod on the selected nodes the same DNS and access",
      );
    }
    reasons.push("pod placement: a sidecar tunnels for that pod alone");
    return facts.usesDnsOrIp
      ? pick(
          "egress-tproxy",
          "TproxySidecar",
          "the workload uses DNS names or IPs: the transparent sidecar (iptables tproxy) intercepts them",
        )
      : pick(
          "egress-loopback",
          "LoopbackSidecar",
          "the workload can use a local port: the loopback sidecar binds one per service, without privilege",
        );
  }
  reasons.push(
    "the workload does not dial Ziti: offer it as an OpenZiti service (cluster ingress through the overlay)",
  );
  if (facts.routerInstalled)
    return pick(
      "ingress-router",
      "RouterTunneler",
      "an OpenZiti router is installed: its built-in tunneler hosts the services",
    );
  reasons.push("no OpenZiti router is installed");
  if (facts.nginxInstalled)
    return pick(
      "ingress-nginx",
      "NginxZitiIngress",
      "nginx is installed: the OpenZiti nginx module binds the services to their upstreams",
    );
  reasons.push("nginx is not installed");
  return pick(
    "ziti-host",
    "ZitiHost",
    "the ziti-host reverse proxy pod hosts the services for cluster addresses",
  );
}
