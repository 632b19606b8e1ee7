import {
  LoopbackSidecar,
  LoopbackSidecarArgsSchema,
  loopbackArgs,
  loopbackInjection,
  loopbackProcess,
  loopbackProxyConfigs,
  type LoopbackSidecarArgs,
} from "../../../components/ziti/loopback-sidecar";
import type { PodSpec } from "../../../components/core/injection";
import type { ZeroportInputError } from "../../../components/core/validation";
import { identityJson, jwt } from "../../helpers/fixtures";
import { plainOccurrences, render } from "../../helpers/mocks";
import { allSchemaProblems } from "../../helpers/schema";

const parse = (extra: Partial<LoopbackSidecarArgs>) =>
  LoopbackSidecarArgsSchema.parse({
    namespace: "shop",
    identity: { json: identityJson() },
    services: [{ name: "orders", port: 8443 }],
    ...extra,
  });
const identity = {
  secretName: "lb-identity",
  key: "identity.json",
  contents: "json" as const,
  namespace: "shop",
};
const workload = { kind: "Deployment", name: "web", namespace: "shop", replicas: 3 };
const app = { name: "app", image: "registry.example.com/web:1.0" };

function issues(extra: Record<string, unknown>): string[] {
  const r = LoopbackSidecarArgsSchema.safeParse({ identity: { json: identityJson() }, ...extra });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("the proxy command", () => {
  test("lists one service:port:protocol per service", () => {
    expect(
      loopbackArgs(
        parse({
          services: [
            { name: "orders", port: 8443 },
            { name: "metrics db", port: 5432 },
            { name: "dns", port: 5353, protocols: ["udp"] },
          ],
        }),
      ),
    ).toEqual([
      "tunnel",
      "proxy",
      "--identity",
      "/ziti/identity.json",
      "orders:8443:tcp",
      "metrics db:5432:tcp",
      "dns:5353:udp",
    ]);
  });

  test("refuses duplicates, ports below 1024 and names that break the syntax", () => {
    expect(
      issues({
        services: [
          { name: "a", port: 8080 },
          { name: "b", port: 8080 },
          { name: "a", port: 9090 },
        ],
      }),
    ).toEqual([
      "services.1: repeats port 8080/tcp of services[0]",
      "services.2: repeats service a of services[0]: ziti keeps one entry per service; list every protocol in that entry's protocols",
    ]);
    // One entry per service, with its protocols; pod-network takes one protocol per service.
    expect(issues({ services: [{ name: "dns", port: 5353, protocols: ["tcp", "udp"] }] })).toEqual(
      [],
    );
    expect(
      issues({
        services: [{ name: "dns", port: 5353, protocols: ["tcp", "udp"] }],
        listen: "pod-network",
      }),
    ).toEqual([
      "services.0.protocols: takes one protocol with listen: pod-network: a command-line service is `name:port:protocol`, one per service; for both, use listen: loopback with a proxy.v1 config that lists both",
    ]);
    expect(issues({ services: [{ name: "dns", port: 5353, protocols: ["udp", "udp"] }] })).toEqual([
      "services.0.protocols: must not repeat a protocol",
    ]);
    expect(issues({ services: [{ name: "web", port: 443 }] })).toEqual([
      "services.0.port: is below 1024, which a non-root process may bind only with NET_BIND_SERVICE: use a port from 1024 up, or set allowPrivilegedPorts: true",
    ]);
    expect(issues({ services: [{ name: "a:b", port: 8080 }] })[0]).toMatch(
      /^services\.0\.name: must be a Ziti service name without ':'/,
    );
    expect(issues({ services: [] })).toEqual(["services: must list at least one Ziti service"]);
  });
});

describe("injecting the loopback sidecar", () => {
  test("runs ziti tunnel proxy as ziggy with the restricted profile: no NET_ADMIN, no DNS change", () => {
    const spec = loopbackInjection(parse({}), identity, "lb").inject(
      { containers: [app] },
      workload,
    );
    expect(spec.dnsPolicy).toBeUndefined();
    expect(spec.dnsConfig).toBeUndefined();
    expect(spec.containers).toEqual([app]);
    expect(spec.initContainers).toEqual([
      {
        name: "ziti-loopback",
        image: "docker.io/openziti/ziti-cli:2.0.3",
        imagePullPolicy: "IfNotPresent",
        resources: {
          requests: { cpu: "20m", memory: "48Mi" },
          limits: { cpu: "500m", memory: "256Mi" },
        },
        volumeMounts: [
          { name: "ziti-loopback-identity", mountPath: "/ziti", readOnly: true },
          { name: "ziti-loopback-tmp", mountPath: "/tmp" },
        ],
        command: [
          "python3.11",
          "-c",
          expect.stringContaining('s.bind(("127.0.0.2", int(port)))'),
          "8443/tcp",
          "--",
          "ziti",
          "tunnel",
          "proxy",
          "--identity",
          "/ziti/identity.json",
          "orders:8443:tcp",
        ],
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: 2171,
          runAsGroup: 2171,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        },
        startupProbe: {
          exec: {
            command: ["python3.11", "-c", expect.stringContaining("/proc/net/"), "8443/tcp"],
          },
          timeoutSeconds: 5,
          periodSeconds: 2,
          failureThreshold: 90,
        },
        livenessProbe: {
          exec: {
            command: ["python3.11", "-c", expect.stringContaining("/proc/net/"), "8443/tcp"],
          },
          timeoutSeconds: 5,
          periodSeconds: 30,
          failureThreshold: 3,
        },
        restartPolicy: "Always",
      },
    ]);
    expect(loopbackInjection(parse({}), identity, "lb").inject(spec, workload)).toEqual(spec);
  });

  test("adds only NET_BIND_SERVICE for a port below 1024, when allowed", () => {
    const spec = loopbackInjection(
      parse({ services: [{ name: "web", port: 443 }], allowPrivilegedPorts: true }),
      identity,
      "lb",
    ).inject({ containers: [app] }, workload);
    expect(
      (spec.initContainers?.[0] as { securityContext: { capabilities: unknown } }).securityContext
        .capabilities,
    ).toEqual({
      drop: ["ALL"],
      add: ["NET_BIND_SERVICE"],
    });
  });

  test("enrolls a one-time JWT in an init container before the sidecar", () => {
    const spec: PodSpec = loopbackInjection(
      parse({}),
      { ...identity, contents: "jwt", key: "enrollment.jwt" },
      "lb",
    ).inject({ containers: [app] }, { ...workload, kind: "Pod", replicas: undefined });
    expect(spec.initContainers?.map((c) => c.name)).toEqual([
      "ziti-loopback-enroll",
      "ziti-loopback",
    ]);
    expect(spec.initContainers?.[0]?.command).toEqual([
      "/bin/sh",
      "-c",
      "test -s /ziti/identity.json || exec ziti edge enroll --jwt /var/run/secrets/netfoundry.io/enrollment-token/identity.jwt --out /ziti/identity.json",
    ]);
    expect(spec.initContainers?.[0]?.restartPolicy).toBeUndefined();
  });
});

describe("where the proxy listens", () => {
  const services = [
    { name: "orders", port: 8443 },
    { name: "dns", port: 5353, protocols: ["udp" as const] },
  ];

  test("on loopback by default: the guard holds every port and protocol before ziti starts", () => {
    const p = loopbackProcess(parse({ services }));
    expect(p.command?.slice(3)).toEqual([
      "8443/tcp",
      "5353/udp",
      "--",
      "ziti",
      ...loopbackArgs(parse({ services })),
    ]);
    expect(p.startupProbe.exec?.command.slice(3)).toEqual(["8443/tcp", "5353/udp"]);
    expect(loopbackProxyConfigs(parse({ services }))).toEqual([
      { service: "orders", config: { port: 8443, protocols: ["tcp"], binding: "127.0.0.1" } },
      { service: "dns", config: { port: 5353, protocols: ["udp"], binding: "127.0.0.1" } },
    ]);
  });

  test("on the pod network when asked: ziti's own entrypoint, ready when the first TCP port accepts", () => {
    expect(loopbackProcess(parse({ services, listen: "pod-network" }))).toEqual({
      args: loopbackArgs(parse({ services })),
      startupProbe: { tcpSocket: { port: 8443 }, periodSeconds: 2, failureThreshold: 90 },
      livenessProbe: {
        exec: { command: ["ziti", "agent", "stats"] },
        periodSeconds: 30,
        timeoutSeconds: 5,
        failureThreshold: 3,
      },
    });
    expect(
      loopbackProcess(parse({ services: [services[1]], listen: "pod-network" })).startupProbe,
    ).toEqual({
      exec: { command: ["ziti", "agent", "stats"] },
      periodSeconds: 2,
      failureThreshold: 90,
    });
    expect(loopbackProxyConfigs(parse({ services, listen: "pod-network" }))).toEqual([]);
  });

  test("a NetworkPolicy is refused on loopback, where it could only admit other ports", () => {
    expect(issues({ services, networkPolicy: true })).toEqual([
      "networkPolicy: is for listen: pod-network; with listen: loopback nothing outside the pod reaches the proxy ports, and the policy would only admit other ports",
    ]);
    expect(issues({ services, networkPolicy: true, listen: "pod-network" })).toEqual([]);
  });

  test("the component says which proxy.v1 configs the controller needs", async () => {
    let configs: unknown;
    await render(() => {
      const sidecar = new LoopbackSidecar("lb", {
        identity: { json: identityJson() },
        services: [{ name: "orders", port: 8443 }],
      });
      sidecar.proxyV1Configs.apply((c) => (configs = c));
    });
    expect(configs).toEqual([
      { service: "orders", config: { port: 8443, protocols: ["tcp"], binding: "127.0.0.1" } },
    ]);
  });

  test("no NetworkPolicy unless asked: policies add up, and a default-deny namespace stays closed", async () => {
    const r = await render(
      () =>
        new LoopbackSidecar("lb", {
          namespace: "shop",
          identity: { jwt: jwt() },
          services: [{ name: "orders", port: 8443 }],
        }),
    );
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(["Secret/lb-identity"]);
  });

  test("the component's NetworkPolicy, when asked for, selects the injected pods", async () => {
    const r = await render(
      () =>
        new LoopbackSidecar("lb", {
          namespace: "shop",
          identity: { jwt: jwt() },
          services: [{ name: "orders", port: 8443 }],
          listen: "pod-network",
          networkPolicy: true,
        }),
    );
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "NetworkPolicy/lb-proxy-ports",
      "Secret/lb-identity",
    ]);
    expect(r.one("NetworkPolicy").spec).toEqual({
      podSelector: { matchLabels: { "zeroport.io/loopback-sidecar": "lb" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          ports: [
            { protocol: "TCP", port: 1, endPort: 8442 },
            { protocol: "TCP", port: 8444, endPort: 65535 },
            { protocol: "UDP", port: 1, endPort: 65535 },
            { protocol: "SCTP", port: 1, endPort: 65535 },
          ],
        },
      ],
    });
    expect(allSchemaProblems(r.manifests)).toEqual([]);
    expect(plainOccurrences(r.resources, jwt())).toEqual([]);
  });

  test("can be left to the user", async () => {
    const r = await render(
      () =>
        new LoopbackSidecar("lb", {
          identity: { json: identityJson() },
          services: [{ name: "o", port: 8443 }],
          networkPolicy: false,
        }),
    );
    expect(r.all("NetworkPolicy")).toEqual([]);
  });

  test("bad arguments are one error", async () => {
    const error = (await render(
      () => new LoopbackSidecar("lb", { identity: {}, services: [{ name: "", port: 0 }] }),
    ).catch((e: unknown) => e)) as ZeroportInputError;
    expect(error.issues.map((i) => i.path)).toEqual([
      "identity",
      "services[0].name",
      "services[0].port",
    ]);
  });
});
