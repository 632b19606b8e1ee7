import { z } from "zod";

/**
 * How a listener is reached: a ClusterIP Service (default), or a hardened LoadBalancer (no node
 * ports, `externalTrafficPolicy: Local`, required source ranges). NodePort is refused.
 */
export const ServiceExposure = z
  .object({
    type: z
      .string()
      .default("ClusterIP")
      .refine((t) => t === "ClusterIP" || t === "LoadBalancer", {
        message:
          "must be ClusterIP or LoadBalancer: NodePort is refused because it opens the port on every node (policy no-nodeport-services); use a LoadBalancer with sourceRanges, or keep ClusterIP",
      }),
    sourceRanges: z
      .array(z.string().regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "must be a CIDR such as 203.0.113.0/24"))
      .default([])
      .describe("Client ranges a LoadBalancer accepts (required for LoadBalancer)."),
    loadBalancerClass: z.string().optional(),
    annotations: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.type === "LoadBalancer" && e.sourceRanges.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["sourceRanges"],
        message:
          "must list the client ranges for a LoadBalancer (it is open to the internet otherwise)",
      });
    }
  })
  .default({ type: "ClusterIP", sourceRanges: [], annotations: {} });
export type ServiceExposure = z.output<typeof ServiceExposure>;

/**
 * The Service spec fields for an exposure: nothing extra for ClusterIP, every hardening for
 * LoadBalancer. `externalTrafficPolicy: Local` keeps the client address that
 * `loadBalancerSourceRanges` filters on, at a documented cost: the API server allocates a
 * `healthCheckNodePort`, kube-proxy's HTTP health endpoint on every node (the pack's
 * zero-exposure report lists it). Load balancers that target node ports cannot work with
 * `allocateLoadBalancerNodePorts: false`; use one that targets pod IPs.
 */
export function exposureSpec(e: ServiceExposure): Record<string, unknown> {
  if (e.type !== "LoadBalancer") return { type: "ClusterIP" };
  return {
    type: "LoadBalancer",
    allocateLoadBalancerNodePorts: false,
    externalTrafficPolicy: "Local",
    loadBalancerSourceRanges: e.sourceRanges,
    ...(e.loadBalancerClass ? { loadBalancerClass: e.loadBalancerClass } : {}),
  };
}
