import * as YAML from "yaml";
import {
  RouterTunneler,
  RouterTunnelerArgsSchema,
  renderRouterConfig,
  routerSans,
  stateVolumeName,
  type RouterTunnelerArgs,
} from "../../../components/ziti/router-tunneler";
import type { ZeroportInputError } from "../../../components/core/validation";
import { jwt } from "../../helpers/fixtures";
import { plainOccurrences, podSpecOf, render } from "../../helpers/mocks";
import { allSchemaProblems } from "../../helpers/schema";

const routerJwt = jwt({ em: "erott" });
const parse = (extra: Partial<RouterTunnelerArgs> = {}) =>
  RouterTunnelerArgsSchema.parse({ enrollment: { jwt: routerJwt }, ...extra });
const config = (extra: Partial<RouterTunnelerArgs> = {}) =>
  YAML.parse(renderRouterConfig(parse(extra), "r1")) as Record<string, unknown>;
const router = (extra: Partial<RouterTunnelerArgs> = {}) =>
  render(
    () => new RouterTunneler("r1", { namespace: "ziti", enrollment: { jwt: routerJwt }, ...extra }),
  );

const FORWARDER = {
  latencyProbeInterval: 10,
  xgressDialQueueLength: 1000,
  xgressDialWorkerCount: 128,
  linkDialQueueLength: 1000,
  linkDialWorkerCount: 32,
  rateLimitedQueueLength: 5000,
  rateLimitedWorkerCount: 64,
};

describe("the router config", () => {
  test("private by default: host-mode tunnel, link dialer, no listener but the tunnel", () => {
    expect(config({ controller: { endpoint: "ctrl.ziti.svc:1280" } })).toEqual({
      v: 3,
      identity: {
        cert: "/etc/ziti/config/r1.cert",
        server_cert: "/etc/ziti/config/r1.server.chain.cert",
        key: "/etc/ziti/config/r1.key",
        ca: "/etc/ziti/config/r1.cas",
      },
      ctrl: { endpoint: "tls:ctrl.ziti.svc:1280", endpointsFile: "/etc/ziti/config/endpoints.yml" },
      link: { dialers: [{ binding: "transport" }] },
      listeners: [{ binding: "tunnel", options: { mode: "host" } }],
      // No `edge` section: it would turn the edge on, and the loader then needs an edge listener.
      csr: { sans: { dns: ["localhost"], ip: ["127.0.0.1"] } },
      forwarder: FORWARDER,
    });
  });

  test("edge and link listeners advertise their hosts, which go into the SANs", () => {
    const c = config({
      edge: { advertisedHost: "router.example.com" },
      link: { advertisedHost: "203.0.113.7", advertisedPort: 10080, containerPort: 10080 },
    });
    expect(c.listeners).toEqual([
      {
        binding: "edge",
        address: "tls:0.0.0.0:3022",
        options: { advertise: "router.example.com:443" },
      },
      { binding: "tunnel", options: { mode: "host" } },
    ]);
    expect(c.link).toEqual({
      dialers: [{ binding: "transport" }],
      listeners: [
        {
          binding: "transport",
          bind: "tls:0.0.0.0:10080",
          advertise: "tls:203.0.113.7:10080",
          options: {},
        },
      ],
    });
    expect(c.csr).toEqual({
      sans: { dns: ["localhost", "router.example.com"], ip: ["127.0.0.1", "203.0.113.7"] },
    });
    expect(c.edge).toEqual({ heartbeatIntervalSeconds: 60 });
  });

  test("tproxy, proxy and none modes", () => {
    expect(config({ tunnel: { mode: "tproxy" } }).listeners).toEqual([
      {
        binding: "tunnel",
        options: {
          mode: "tproxy",
          resolver: "udp://127.0.0.1:53",
          dnsSvcIpRange: "100.64.0.1/10",
          lanIf: "lo",
        },
      },
    ]);
    expect(
      config({
        tunnel: {
          mode: "proxy",
          services: [
            { name: "db", port: 5432 },
            { name: "dns", port: 5353, protocol: "udp" },
          ],
        },
      }).listeners,
    ).toEqual([
      { binding: "tunnel", options: { mode: "proxy", services: ["db:5432:tcp", "dns:5353:udp"] } },
    ]);
    expect(config({ tunnel: { mode: "none" } }).listeners).toBeUndefined();
  });

  test("a change of advertised hosts means a fresh state volume", () => {
    const a = parse({ edge: { advertisedHost: "a.example.com" } });
    const b = parse({ edge: { advertisedHost: "b.example.com" } });
    expect(routerSans(a)).toEqual({ dns: ["localhost", "a.example.com"], ip: ["127.0.0.1"] });
    expect(stateVolumeName("r1", a)).toMatch(/^r1-state-[0-9a-f]{8}$/);
    expect(stateVolumeName("r1", a)).not.toBe(stateVolumeName("r1", b));
    expect(stateVolumeName("r1", a)).toBe(
      stateVolumeName(
        "r1",
        parse({ edge: { advertisedHost: "a.example.com", advertisedPort: 8443 } }),
      ),
    );
  });
});

describe("RouterTunneler", () => {
  test("renders a private router: no Service, the JWT only in a Secret, the config checksummed", async () => {
    const r = await router();
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "Secret/r1-enrollment",
      "ConfigMap/r1-config",
      `PersistentVolumeClaim/${stateVolumeName("r1", parse())}`,
      "Deployment/r1",
    ]);
    expect(plainOccurrences(r.resources, routerJwt)).toEqual([]);
    const deployment = r.one("Deployment");
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: "Recreate" } });
    const template = (
      deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }
    ).template;
    expect(template.metadata.annotations["zeroport.io/config-checksum"]).toMatch(/^[0-9a-f]{64}$/);
    const [container] = podSpecOf(deployment).containers as Record<string, unknown>[];
    expect(container).toMatchObject({
      command: ["/entrypoint.bash"],
      args: ["run", "/etc/ziti/config/ziti-router.yaml"],
      readinessProbe: { exec: { command: ["ziti", "agent", "stats"] } },
      livenessProbe: { exec: { command: ["ziti", "agent", "stats"] } },
      securityContext: { runAsUser: 2171, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
    });
    expect(container?.ports).toBeUndefined();
    expect(container?.env).toContainEqual({
      name: "ZITI_ENROLL_TOKEN",
      valueFrom: { secretKeyRef: { name: "r1-enrollment", key: "enrollment.jwt" } },
    });
    expect(container?.volumeMounts).toEqual([
      { name: "state", mountPath: "/etc/ziti/config" },
      {
        name: "config",
        mountPath: "/etc/ziti/config/ziti-router.yaml",
        subPath: "ziti-router.yaml",
        readOnly: true,
      },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(allSchemaProblems(r.manifests)).toEqual([]);
  });

  test("a config change changes the checksum that restarts the pod", async () => {
    const checksum = async (extra: Partial<RouterTunnelerArgs>) =>
      (
        (await router(extra)).one("Deployment").spec as {
          template: { metadata: { annotations: Record<string, string> } };
        }
      ).template.metadata.annotations["zeroport.io/config-checksum"];
    expect(await checksum({})).not.toBe(
      await checksum({ controller: { endpoint: "other.example.com:1280" } }),
    );
  });

  test("listener Services are ClusterIP by default and hardened LoadBalancers when asked", async () => {
    const r = await router({
      edge: {
        advertisedHost: "router.example.com",
        service: { type: "LoadBalancer", sourceRanges: ["203.0.113.0/24"] },
      },
      link: { advertisedHost: "router.example.com" },
    });
    expect(r.one("Service", "r1-edge").spec).toEqual({
      type: "LoadBalancer",
      allocateLoadBalancerNodePorts: false,
      externalTrafficPolicy: "Local",
      loadBalancerSourceRanges: ["203.0.113.0/24"],
      selector: { "app.kubernetes.io/name": "ziti-router", "app.kubernetes.io/instance": "r1" },
      ports: [{ name: "edge", port: 443, targetPort: 3022, protocol: "TCP" }],
    });
    expect(r.one("Service", "r1-link").spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ name: "link", port: 443, targetPort: 3022, protocol: "TCP" }],
    });
  });

  test("proxy mode gets a Service for its ports; tproxy mode gets root and NET_ADMIN, named", async () => {
    const proxy = await router({
      tunnel: { mode: "proxy", services: [{ name: "db", port: 5432 }], service: "headless" },
    });
    expect(proxy.one("Service", "r1-proxy").spec).toMatchObject({
      clusterIP: "None",
      ports: [{ name: "tcp-5432", port: 5432, targetPort: 5432, protocol: "TCP" }],
    });
    const tproxy = await router({ tunnel: { mode: "tproxy" } });
    const [container] = podSpecOf(tproxy.one("Deployment")).containers as {
      securityContext: Record<string, unknown>;
    }[];
    expect(container?.securityContext).toMatchObject({
      runAsUser: 0,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_BIND_SERVICE"] },
    });
  });

  test("refuses NodePort, an identity token, and open LoadBalancers, with the reasons", async () => {
    const error = (await router({
      enrollment: { jwt: jwt({ em: "ott" }) },
      edge: { advertisedHost: "Bad_Host", service: { type: "NodePort" } },
      link: { advertisedHost: "router.example.com", service: { type: "LoadBalancer" } },
    }).catch((e: unknown) => e)) as ZeroportInputError;
    expect(error.issues).toEqual([
      {
        path: "enrollment.jwt",
        reason:
          "is an enrollment token for enrollment method `ott`; this component needs one with method `erott`",
      },
      {
        path: "edge.advertisedHost",
        reason:
          "must be a DNS name (lower case) or an IPv4 address that clients use to reach the router",
      },
      {
        path: "edge.service.type",
        reason:
          "must be ClusterIP or LoadBalancer: NodePort is refused because it opens the port on every node (policy no-nodeport-services); use a LoadBalancer with sourceRanges, or keep ClusterIP",
      },
      {
        path: "link.service.sourceRanges",
        reason:
          "must list the client ranges for a LoadBalancer (it is open to the internet otherwise)",
      },
      {
        path: "link.advertisedHost",
        reason: "must equal edge.advertisedHost when both listeners share a container port",
      },
    ]);
  });
});
