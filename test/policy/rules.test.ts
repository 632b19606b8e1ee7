import type { KubeObject, ResourcePolicy } from "../../policy/model";
import { hostNetworkPods, noHostNetworkListeners } from "../../policy/rules/host-network";
import { loadBalancerSourceRanges } from "../../policy/rules/loadbalancer-source-ranges";
import { noHostPorts } from "../../policy/rules/no-host-ports";
import { noLoadBalancerNodePorts } from "../../policy/rules/no-loadbalancer-node-ports";
import { noNodePortServices } from "../../policy/rules/no-nodeport-services";
import { noServiceExternalIps } from "../../policy/rules/no-service-external-ips";
import { exposuresOf } from "../../policy/rules";
import { podSpecOf } from "../../policy/pod-specs";
import { cronJob, deployment, pod, podSpec, service } from "./fixtures";

const messages = (policy: ResourcePolicy, obj: KubeObject, options = {}) =>
  policy.check(obj, options).map((f) => f.message);
const hardenedLb = {
  type: "LoadBalancer",
  allocateLoadBalancerNodePorts: false,
  externalTrafficPolicy: "Local",
  loadBalancerSourceRanges: ["203.0.113.0/24"],
};

describe("no-nodeport-services", () => {
  test("passes ClusterIP, default-typed and LoadBalancer Services", () => {
    expect(messages(noNodePortServices, service())).toEqual([]);
    expect(messages(noNodePortServices, service({ type: "ClusterIP" }))).toEqual([]);
    expect(messages(noNodePortServices, service({ type: "LoadBalancer" }))).toEqual([]);
  });

  test("names the node ports of a NodePort Service", () => {
    expect(
      messages(
        noNodePortServices,
        service({ type: "NodePort", ports: [{ port: 80, nodePort: 31080 }] }),
      ),
    ).toEqual([
      "Service shop/web is of type NodePort: it opens node port(s) 31080 on every node, reachable by anything that reaches a node. " +
        "Use a ClusterIP Service reached through an overlay (zeroport ZitiHost, RouterTunneler or ZTM), or a LoadBalancer with allocateLoadBalancerNodePorts: false.",
    ]);
    expect(messages(noNodePortServices, service({ type: "NodePort" }))[0]).toContain(
      "opens a node port per service port on every node",
    );
  });

  test("remediates to ClusterIP without the NodePort-only fields", () => {
    const fixed = noNodePortServices.remediate?.(
      service({
        type: "NodePort",
        externalTrafficPolicy: "Local",
        ports: [{ port: 80, nodePort: 31080, name: "http" }],
      }),
    );
    expect(fixed?.spec).toEqual({
      selector: { app: "web" },
      type: "ClusterIP",
      ports: [{ port: 80, name: "http" }],
    });
    expect(noNodePortServices.remediate?.(service())).toBeUndefined();
  });
});

describe("no-loadbalancer-node-ports", () => {
  test("passes a LoadBalancer without node ports, and other types", () => {
    expect(messages(noLoadBalancerNodePorts, service(hardenedLb))).toEqual([]);
    expect(messages(noLoadBalancerNodePorts, service({ type: "NodePort" }))).toEqual([]);
  });

  test("flags the default allocation and explicit node ports", () => {
    expect(messages(noLoadBalancerNodePorts, service({ type: "LoadBalancer" }))).toEqual([
      "Service shop/web is a LoadBalancer that allocates node ports (allocateLoadBalancerNodePorts is unset, which means true), so every node opens its ports as well. " +
        "Set allocateLoadBalancerNodePorts: false (a load balancer that sends traffic to pod IPs needs none).",
    ]);
    expect(
      messages(
        noLoadBalancerNodePorts,
        service({ ...hardenedLb, ports: [{ port: 80, nodePort: 30007 }] }),
      ),
    ).toEqual([
      "Service shop/web asks for node port(s) 30007, which every node opens whatever allocateLoadBalancerNodePorts says. Remove nodePort.",
    ]);
  });

  test("remediates by turning allocation off and dropping node ports", () => {
    const fixed = noLoadBalancerNodePorts.remediate?.(
      service({ type: "LoadBalancer", ports: [{ port: 80, nodePort: 30007 }] }),
    );
    expect(fixed?.spec).toEqual({
      selector: { app: "web" },
      type: "LoadBalancer",
      ports: [{ port: 80 }],
      allocateLoadBalancerNodePorts: false,
    });
    expect(noLoadBalancerNodePorts.remediate?.(service(hardenedLb))).toBeUndefined();
  });
});

describe("loadbalancer-source-ranges", () => {
  test("passes a hardened LoadBalancer", () => {
    expect(messages(loadBalancerSourceRanges, service(hardenedLb))).toEqual([]);
  });

  test("asks for ranges, refuses open ranges and asks for Local", () => {
    expect(messages(loadBalancerSourceRanges, service({ type: "LoadBalancer" }))).toEqual([
      "Service shop/web has no loadBalancerSourceRanges: it accepts traffic from any address. List the client ranges.",
      "Service shop/web has externalTrafficPolicy unset (Cluster): nodes forward traffic onward and hide the client address. Set it to Local.",
    ]);
    expect(
      messages(
        loadBalancerSourceRanges,
        service({ ...hardenedLb, loadBalancerSourceRanges: ["0.0.0.0/0", "::/0"] }),
      ),
    ).toEqual([
      "Service shop/web allows 0.0.0.0/0 and ::/0 in loadBalancerSourceRanges: open to the whole internet.",
    ]);
  });
});

describe("no-service-external-ips", () => {
  test("flags externalIPs and honours the allow-list, visibly", () => {
    const svc = service({ externalIPs: ["1.2.3.4", "203.0.113.0"] });
    expect(noServiceExternalIps.check(svc, { allowedExternalIPs: ["203.0.113.0"] })).toEqual([
      {
        message:
          "Service shop/web lists externalIPs 1.2.3.4: every node accepts traffic for them, and claiming an address this way intercepts its traffic (CVE-2020-8554).",
      },
      {
        message: "Service shop/web lists externalIPs 203.0.113.0",
        allowedBy: "allowedExternalIPs",
      },
    ]);
    expect(messages(noServiceExternalIps, service({ externalIPs: [] }))).toEqual([]);
  });
});

describe("no-host-ports", () => {
  test("finds hostPorts in containers, init containers and ephemeral containers of every workload kind", () => {
    const spec = podSpec({
      initContainers: [{ name: "sidecar", ports: [{ containerPort: 53, hostPort: 53 }] }],
      ephemeralContainers: [{ name: "debug", ports: [{ containerPort: 9, hostPort: 9999 }] }],
    });
    expect(messages(noHostPorts, deployment(spec))).toEqual([
      "Deployment shop/web container sidecar (spec.template.spec.initContainers[0]) binds hostPort 53 on its node, outside any Service or NetworkPolicy. Remove hostPort and reach the pod through a ClusterIP Service or an overlay.",
      "Deployment shop/web container debug (spec.template.spec.ephemeralContainers[0]) binds hostPort 9999 on its node, outside any Service or NetworkPolicy. Remove hostPort and reach the pod through a ClusterIP Service or an overlay.",
    ]);
    expect(
      messages(
        noHostPorts,
        cronJob(
          podSpec({ containers: [{ name: "c", ports: [{ containerPort: 1, hostPort: 443 }] }] }),
        ),
      )[0],
    ).toMatch(
      /^CronJob ops\/nightly container c \(spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\) binds hostPort 443/,
    );
  });

  test.each([
    "Pod",
    "PodTemplate",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
  ])("reads the pod spec of a %s", (kind) => {
    const spec = podSpec({
      containers: [{ name: "c", ports: [{ containerPort: 80, hostPort: 80 }] }],
    });
    const obj: KubeObject =
      kind === "Pod"
        ? { ...pod(spec) }
        : kind === "PodTemplate"
          ? { kind, template: { spec } }
          : { ...deployment(spec), kind };
    expect(podSpecOf(obj)?.spec).toBe(spec);
    expect(messages(noHostPorts, obj)).toHaveLength(1);
  });

  test("treats hostPort 0 as unset and honours allowed ports and ranges", () => {
    expect(
      messages(
        noHostPorts,
        pod(podSpec({ containers: [{ name: "c", ports: [{ containerPort: 80, hostPort: 0 }] }] })),
      ),
    ).toEqual([]);
    const obj = pod(
      podSpec({
        containers: [
          { name: "c", ports: [{ hostPort: 53 }, { hostPort: 5555 }, { hostPort: 7000 }] },
        ],
      }),
    );
    const findings = noHostPorts.check(obj, {
      allowedHostPorts: [53],
      allowedHostPortRanges: [{ min: 5000, max: 6000 }],
    });
    expect(findings.map((f) => [f.allowedBy ?? "violation", f.message.slice(0, 48)])).toEqual([
      ["allowedHostPorts", "Pod shop/p container c (spec.containers[0]) bind"],
      ["allowedHostPorts", "Pod shop/p container c (spec.containers[0]) bind"],
      ["violation", "Pod shop/p container c (spec.containers[0]) bind"],
    ]);
  });
});

describe("hostNetwork", () => {
  test("a hostNetwork pod is a mandatory finding with or without declared ports", () => {
    const listening = deployment(podSpec({ hostNetwork: true }));
    expect(messages(noHostNetworkListeners, listening)).toEqual([
      "Deployment shop/web runs in the node's network (hostNetwork) and declares port(s) app:8080/TCP: each listens on the node itself. Drop hostNetwork or the listener.",
    ]);
    expect(messages(hostNetworkPods, listening)).toEqual([]);
    const quiet = deployment({ hostNetwork: true, containers: [{ name: "proxy" }] });
    expect(messages(noHostNetworkListeners, quiet)).toEqual([]);
    expect(messages(hostNetworkPods, quiet)).toEqual([
      "Deployment shop/web runs in the node's network (hostNetwork) without declared ports: whatever it listens on is a port of the node, declared or not. Drop hostNetwork, or exempt it with the zeroport.io/exposure-exception annotation and the reason.",
    ]);
    expect(hostNetworkPods.defaultLevel).toBe("mandatory");
    expect(messages(noHostNetworkListeners, deployment(podSpec({ hostNetwork: false })))).toEqual(
      [],
    );
  });
});

describe("zero-exposure", () => {
  test("lists every way in", () => {
    expect(exposuresOf(service(hardenedLb))).toEqual([
      "a LoadBalancer Service",
      "a health check node port on every node (kube-proxy's HTTP health endpoint, allocated for externalTrafficPolicy: Local)",
    ]);
    // The API server allocates it (ServiceSpec.healthCheckNodePort), so a live object names it.
    expect(exposuresOf(service({ ...hardenedLb, healthCheckNodePort: 31234 }))[1]).toMatch(
      /^a health check node port 31234 on every node/,
    );
    expect(exposuresOf(service({ type: "LoadBalancer", externalIPs: ["1.1.1.1"] }))).toEqual([
      "a LoadBalancer Service that also opens node ports",
      "externalIPs 1.1.1.1",
    ]);
    expect(exposuresOf({ kind: "Ingress", metadata: { name: "i" } })).toEqual([
      "an Ingress routing outside traffic in",
    ]);
    expect(exposuresOf({ kind: "HTTPRoute", metadata: { name: "r" } })).toEqual([
      "an HTTPRoute routing outside traffic in",
    ]);
    expect(
      exposuresOf(
        deployment(
          podSpec({
            hostNetwork: true,
            containers: [{ name: "c", ports: [{ containerPort: 53, hostPort: 53 }] }],
          }),
        ),
      ),
    ).toEqual(["hostPort 53", "listeners in the node's network (hostNetwork)"]);
    expect(exposuresOf(service())).toEqual([]);
    expect(exposuresOf(deployment())).toEqual([]);
  });
});
