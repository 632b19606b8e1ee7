import {
  LoopbackSidecar,
  LoopbackSidecarArgsSchema,
  complementPorts,
  loopbackArgs,
  loopbackIngressPorts,
  loopbackInjection,
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
            { name: "dns", port: 5353, protocol: "udp" },
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
      "services.2: repeats service a/tcp of services[0]",
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
        args: ["tunnel", "proxy", "--identity", "/ziti/identity.json", "orders:8443:tcp"],
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: 2171,
          runAsGroup: 2171,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        },
        startupProbe: { tcpSocket: { port: 8443 }, periodSeconds: 2, failureThreshold: 90 },
        livenessProbe: {
          exec: { command: ["ziti", "agent", "stats"] },
          periodSeconds: 30,
          timeoutSeconds: 5,
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

describe("keeping other pods off the proxy ports", () => {
  test("every other port stays open", () => {
    expect(complementPorts([8443])).toEqual([
      { port: 1, endPort: 8442 },
      { port: 8444, endPort: 65535 },
    ]);
    expect(complementPorts([1, 3, 65535])).toEqual([{ port: 2 }, { port: 4, endPort: 65534 }]);
    expect(complementPorts([])).toEqual([{ port: 1, endPort: 65535 }]);
  });

  test("per protocol", () => {
    expect(
      loopbackIngressPorts(
        parse({
          services: [
            { name: "a", port: 8443 },
            { name: "b", port: 5353, protocol: "udp" },
          ],
        }),
      ),
    ).toEqual([
      { protocol: "TCP", port: 1, endPort: 8442 },
      { protocol: "TCP", port: 8444, endPort: 65535 },
      { protocol: "UDP", port: 1, endPort: 5352 },
      { protocol: "UDP", port: 5354, endPort: 65535 },
      { protocol: "SCTP", port: 1, endPort: 65535 },
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
