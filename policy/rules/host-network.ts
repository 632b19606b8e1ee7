import { describe, type ResourcePolicy } from "../model";
import { podSpecOf, portsOf } from "../pod-specs";

/**
 * A hostNetwork pod shares the node's network namespace: every port it listens on is a port of
 * the node. Declared container ports say it listens; those are forbidden.
 */
export const noHostNetworkListeners: ResourcePolicy = {
  name: "no-host-network-listeners",
  description:
    "Forbids hostNetwork pods that declare container ports: each is a listener on the node.",
  defaultLevel: "mandatory",
  severity: "high",
  options: {},
  check(obj) {
    const pod = podSpecOf(obj);
    if (!pod || pod.spec.hostNetwork !== true) return [];
    const ports = portsOf(pod.spec);
    if (ports.length === 0) return [];
    const list = ports.map(
      ({ container, port }) =>
        `${container}:${port.containerPort ?? "?"}/${port.protocol ?? "TCP"}`,
    );
    return [
      {
        message: `${describe(obj)} runs in the node's network (hostNetwork) and declares port(s) ${list.join(", ")}: each listens on the node itself. Drop hostNetwork or the listener.`,
      },
    ];
  },
};

/**
 * A hostNetwork pod without declared ports still listens wherever it likes: container ports are
 * informational (calico-node serves BGP on 179 and declares none). So it is forbidden too; a pod
 * that needs the node's network (zeroport's node proxy is one) carries an exemption with its reason.
 */
export const hostNetworkPods: ResourcePolicy = {
  name: "host-network-pods",
  description:
    "Forbids hostNetwork pods without declared ports: they may listen on any node interface.",
  defaultLevel: "mandatory",
  severity: "high",
  options: {},
  check(obj) {
    const pod = podSpecOf(obj);
    if (!pod || pod.spec.hostNetwork !== true || portsOf(pod.spec).length > 0) return [];
    return [
      {
        message: `${describe(obj)} runs in the node's network (hostNetwork) without declared ports: whatever it listens on is a port of the node, declared or not. Drop hostNetwork, or exempt it with the zeroport.io/exposure-exception annotation and the reason.`,
      },
    ];
  },
};
