import {
  describe,
  listOption,
  type Finding,
  type PolicyOptions,
  type ResourcePolicy,
} from "../model";
import { podSpecOf, portsOf } from "../pod-specs";

interface PortRange {
  min: number;
  max: number;
}

/** True when `port` is listed in allowedHostPorts or falls in one of allowedHostPortRanges. */
function allowed(port: number, options: PolicyOptions): boolean {
  return (
    listOption<unknown>(options, "allowedHostPorts").includes(port) ||
    listOption<PortRange>(options, "allowedHostPortRanges").some(
      (r) => port >= r.min && port <= r.max,
    )
  );
}

/** A hostPort binds the port on the node the pod runs on, outside any Service or NetworkPolicy. */
export const noHostPorts: ResourcePolicy = {
  name: "no-host-ports",
  description: "Forbids hostPort in any container, init container or ephemeral container.",
  defaultLevel: "mandatory",
  severity: "high",
  options: {
    allowedHostPorts: {
      type: "array",
      items: { type: "integer", minimum: 1, maximum: 65535 },
      default: [],
      description: "Host ports that are allowed.",
    },
    allowedHostPortRanges: {
      type: "array",
      items: {
        type: "object",
        properties: { min: { type: "integer" }, max: { type: "integer" } },
        required: ["min", "max"],
      },
      default: [],
      description: "Ranges of host ports that are allowed, as {min, max}.",
    },
  },
  check(obj, options) {
    const pod = podSpecOf(obj);
    if (!pod) return [];
    const findings: Finding[] = [];
    for (const { container, field, port } of portsOf(pod.spec)) {
      const hostPort = port.hostPort;
      if (typeof hostPort !== "number" || hostPort === 0) continue;
      const where = `${describe(obj)} container ${container} (${pod.path}.${field})`;
      if (allowed(hostPort, options)) {
        findings.push({
          message: `${where} binds hostPort ${hostPort}`,
          allowedBy: "allowedHostPorts",
        });
      } else {
        findings.push({
          message: `${where} binds hostPort ${hostPort} on its node, outside any Service or NetworkPolicy. Remove hostPort and reach the pod through a ClusterIP Service or an overlay.`,
        });
      }
    }
    return findings;
  },
};
