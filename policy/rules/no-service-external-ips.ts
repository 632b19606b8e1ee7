import { describe, listOption, type Finding, type ResourcePolicy } from "../model";
import { serviceSpecOf } from "./service";

/**
 * `externalIPs` make every node accept traffic for those addresses, and anyone who may create a
 * Service can claim any address this way and intercept its traffic (CVE-2020-8554).
 */
export const noServiceExternalIps: ResourcePolicy = {
  name: "no-service-external-ips",
  description: "Forbids Service externalIPs (CVE-2020-8554) unless allow-listed.",
  defaultLevel: "mandatory",
  severity: "high",
  options: {
    allowedExternalIPs: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Addresses a Service may list in externalIPs.",
    },
  },
  check(obj, options) {
    const spec = serviceSpecOf(obj);
    const ips = spec && Array.isArray(spec.externalIPs) ? spec.externalIPs : [];
    if (ips.length === 0) return [];
    const allowed = new Set(listOption<string>(options, "allowedExternalIPs"));
    const findings: Finding[] = [];
    const forbidden = ips.filter((ip) => !allowed.has(ip));
    if (forbidden.length > 0) {
      findings.push({
        message: `${describe(obj)} lists externalIPs ${forbidden.join(", ")}: every node accepts traffic for them, and claiming an address this way intercepts its traffic (CVE-2020-8554).`,
      });
    }
    const permitted = ips.filter((ip) => allowed.has(ip));
    if (permitted.length > 0) {
      findings.push({
        message: `${describe(obj)} lists externalIPs ${permitted.join(", ")}`,
        allowedBy: "allowedExternalIPs",
      });
    }
    return findings;
  },
};
