import { describe, type Finding, type ResourcePolicy } from "../model";
import { serviceSpecOf } from "./service";

const OPEN = new Set(["0.0.0.0/0", "::/0"]);

/**
 * A LoadBalancer is the one legitimate exposure; this policy asks that it be narrow: open only to
 * listed source ranges, and with `externalTrafficPolicy: Local`, which keeps the client address
 * (so the ranges can be enforced) and sends traffic only to nodes that run a backend.
 */
export const loadBalancerSourceRanges: ResourcePolicy = {
  name: "loadbalancer-source-ranges",
  description: "Asks LoadBalancer Services for source ranges and externalTrafficPolicy: Local.",
  defaultLevel: "advisory",
  severity: "medium",
  options: {},
  check(obj) {
    const spec = serviceSpecOf(obj);
    if (!spec || spec.type !== "LoadBalancer") return [];
    const findings: Finding[] = [];
    const ranges = Array.isArray(spec.loadBalancerSourceRanges)
      ? spec.loadBalancerSourceRanges
      : [];
    if (ranges.length === 0) {
      findings.push({
        message: `${describe(obj)} has no loadBalancerSourceRanges: it accepts traffic from any address. List the client ranges.`,
      });
    }
    const open = ranges.filter((r) => typeof r === "string" && OPEN.has(r.trim()));
    if (open.length > 0) {
      findings.push({
        message: `${describe(obj)} allows ${open.join(" and ")} in loadBalancerSourceRanges: open to the whole internet.`,
      });
    }
    if (spec.externalTrafficPolicy !== "Local") {
      findings.push({
        message: `${describe(obj)} has externalTrafficPolicy ${spec.externalTrafficPolicy ?? "unset (Cluster)"}: nodes forward traffic onward and hide the client address. Set it to Local.`,
      });
    }
    return findings;
  },
};
