/**
 * The exposure rules in CEL, one per resource policy of the pack, with the same names. Each says
 * when an object violates it and, for an UPDATE, when the new object keeps what the old one
 * already exposed (no new port, address or host network), which admission lets through.
 */
import { listOption, type PolicyOptions } from "../model";
import { list, NEW, OLD, proto, type Side } from "./cel";

export interface CelRule {
  /** True when this side's object violates the rule (before exemptions). */
  violates: (options: PolicyOptions, s: Side) => string;
  /** On UPDATE: true when the new object exposes nothing the old one did not. */
  keeps: (options: PolicyOptions) => string;
  message: string;
}

/** CEL for "this host port is allowed" from the no-host-ports options. */
function hostPortAllowed(options: PolicyOptions, port: string): string {
  // Only numbers go into the expression as they are.
  const ports = listOption<unknown>(options, "allowedHostPorts").filter(
    (x): x is number => typeof x === "number",
  );
  const ranges = listOption<{ min: number; max: number }>(options, "allowedHostPortRanges").filter(
    (r) => Number.isInteger(r.min) && Number.isInteger(r.max),
  );
  const terms = [
    ...(ports.length > 0 ? [`${port} in ${list(ports)}`] : []),
    ...ranges.map((r) => `(${port} >= ${r.min} && ${port} <= ${r.max})`),
  ];
  return terms.length > 0 ? terms.join(" || ") : "false";
}

/** The same Service port on both sides: port, protocol and any node port asked for. */
const samePort = (q: string, p: string) =>
  `${q}.port == ${p}.port && ${proto(q)} == ${proto(p)} && ` +
  `(!has(${p}.nodePort) || ${p}.nodePort == 0 || (has(${q}.nodePort) && ${q}.nodePort == ${p}.nodePort))`;

/** Every Service port of the new object was there before. */
const portsKept = `${NEW.v("servicePorts")}.all(p, ${OLD.v("servicePorts")}.exists(q, ${samePort("q", "p")}))`;

const allocates = (s: Side) =>
  `(!has(${s.root}.spec.allocateLoadBalancerNodePorts) || ${s.root}.spec.allocateLoadBalancerNodePorts != false)`;

const declaresPorts = (s: Side) =>
  `${s.v("containers")}.exists(c, has(c.ports) && size(c.ports) > 0)`;

/** A container port of the new object that the old object declared too, matched by `same`. */
const oldDeclares = (same: string) =>
  `${OLD.v("containers")}.exists(oc, has(oc.ports) && oc.ports.exists(op, ${same}))`;

const badHostPort = (o: PolicyOptions, p: string) =>
  `has(${p}.hostPort) && ${p}.hostPort > 0 && !(${hostPortAllowed(o, `${p}.hostPort`)})`;

const nodePortRule = (s: Side) => `${s.v("isService")} && ${s.v("serviceType")} == 'NodePort'`;
const loadBalancerNodePorts = (s: Side) =>
  `${s.v("isService")} && ${s.v("serviceType")} == 'LoadBalancer' && ` +
  `(${allocates(s)} || ${s.v("servicePorts")}.exists(p, has(p.nodePort) && p.nodePort > 0))`;
const sourceRanges = (s: Side) =>
  `${s.v("isService")} && ${s.v("serviceType")} == 'LoadBalancer' && ` +
  `(!has(${s.root}.spec.loadBalancerSourceRanges) || size(${s.root}.spec.loadBalancerSourceRanges) == 0 || ` +
  `${s.root}.spec.loadBalancerSourceRanges.exists(r, r.trim() == '0.0.0.0/0' || r.trim() == '::/0') || ` +
  `!has(${s.root}.spec.externalTrafficPolicy) || ${s.root}.spec.externalTrafficPolicy != 'Local')`;

/** Every resource policy of the pack, in CEL. */
export const CEL_RULES: Record<string, CelRule> = {
  "no-nodeport-services": {
    violates: (_o, s) => nodePortRule(s),
    keeps: () => `${nodePortRule(OLD)} && ${portsKept}`,
    message: "no-nodeport-services: a Service of type NodePort opens a port on every node",
  },
  "no-loadbalancer-node-ports": {
    violates: (_o, s) => loadBalancerNodePorts(s),
    keeps: () =>
      `${loadBalancerNodePorts(OLD)} && (!${allocates(NEW)} || ${allocates(OLD)}) && ${portsKept}`,
    message:
      "no-loadbalancer-node-ports: a LoadBalancer that allocates node ports (allocateLoadBalancerNodePorts not false, or a nodePort) opens them on every node",
  },
  "no-service-external-ips": {
    violates: (o, s) =>
      `${s.v("externalIPs")}.exists(ip, !(ip in ${list(listOption<string>(o, "allowedExternalIPs"))}))`,
    keeps: (o) =>
      `${NEW.v("externalIPs")}.all(ip, ip in ${list(listOption<string>(o, "allowedExternalIPs"))} || ip in ${OLD.v("externalIPs")})`,
    message:
      "no-service-external-ips: Service externalIPs let every node accept traffic for them (CVE-2020-8554)",
  },
  "no-host-ports": {
    violates: (o, s) =>
      `${s.v("containers")}.exists(c, has(c.ports) && c.ports.exists(p, ${badHostPort(o, "p")}))`,
    keeps: (o) =>
      `${NEW.v("containers")}.all(c, !has(c.ports) || c.ports.all(p, !(${badHostPort(o, "p")}) || ` +
      `${oldDeclares(`has(op.hostPort) && op.hostPort == p.hostPort && ${proto("op")} == ${proto("p")}`)}))`,
    message:
      "no-host-ports: a hostPort binds a port on the node, outside any Service or NetworkPolicy",
  },
  "no-host-network-listeners": {
    violates: (_o, s) => `${s.v("hostNetwork")} && ${declaresPorts(s)}`,
    keeps: () =>
      `${OLD.v("hostNetwork")} && ${NEW.v("containers")}.all(c, !has(c.ports) || c.ports.all(p, ` +
      `${oldDeclares(`op.containerPort == p.containerPort && ${proto("op")} == ${proto("p")}`)}))`,
    message:
      "no-host-network-listeners: a hostNetwork pod that declares ports listens on the node itself",
  },
  "host-network-pods": {
    violates: (_o, s) => `${s.v("hostNetwork")} && !${declaresPorts(s)}`,
    keeps: () => OLD.v("hostNetwork"),
    message:
      "host-network-pods: a hostNetwork pod listens wherever it likes on the node, declared or not",
  },
  "loadbalancer-source-ranges": {
    violates: (_o, s) => sourceRanges(s),
    keeps: () => sourceRanges(OLD),
    message:
      "loadbalancer-source-ranges: a LoadBalancer should list loadBalancerSourceRanges and keep client addresses (externalTrafficPolicy: Local)",
  },
};
