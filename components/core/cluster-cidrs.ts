/**
 * The cluster's own address ranges, where the user knows them, and the check that a tunneler's
 * Ziti range never takes them over. A tunneler claims its whole range: ziti-edge-tunnel routes it
 * to its tun device on the node (NodeProxyDaemonset: every pod on the node), `ziti tunnel tproxy`
 * adds it to the pod's `lo` as a local address (ziti v2.0.3 tunnel/intercept/tproxy/
 * tproxy_linux.go:109), so all of it is delivered inside the pod. The default 100.64.0.1/10 is the
 * whole CGNAT block, which some clusters use for pods (EKS custom networking) or Services.
 */
import { z } from "zod";
import { Cidr4, cidrBounds, parseCidr } from "./net";

export const ClusterCidrs = z
  .object({
    pods: z
      .array(Cidr4)
      .default([])
      .describe(
        "The cluster's pod CIDRs (IPv4): kube-controller-manager's --cluster-cidr, or the CNI's pools (EKS custom networking: the ENIConfig subnets).",
      ),
    services: z
      .array(Cidr4)
      .default([])
      .describe("The Service CIDR (IPv4): kube-apiserver's --service-cluster-ip-range."),
  })
  .strict()
  .default({ pods: [], services: [] })
  .describe(
    "The cluster's pod and Service ranges: a Ziti range that overlaps one is refused, naming both. Unset: not checked.",
  );
export type ResolvedClusterCidrs = z.output<typeof ClusterCidrs>;

/** True when the networks of two IPv4 CIDRs share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const p = cidrBounds(x);
  const q = cidrBounds(y);
  return p.first <= q.last && q.first <= p.last;
}

/** One issue per cluster range the Ziti range at `path` overlaps, naming both fields. */
export function rangeOverlapIssues(
  range: string,
  path: (string | number)[],
  cidrs: ResolvedClusterCidrs,
  where: "on every node" | "in the pod",
  ctx: z.RefinementCtx,
): void {
  for (const kind of ["pods", "services"] as const)
    cidrs[kind].forEach((cidr, i) => {
      if (cidrsOverlap(range, cidr))
        ctx.addIssue({
          code: "custom",
          path,
          message: `overlaps clusterCidrs.${kind}[${i}] (${cidr}): the tunneler takes over its whole range ${where}, so cluster traffic to those addresses would go to Ziti; pick a range outside the cluster's (a smaller one inside 100.64.0.0/10, such as 100.127.0.1/16)`,
        });
    });
}
