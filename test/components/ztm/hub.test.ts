import { ZtmHub, ZtmHubArgsSchema, hubCommand, type ZtmHubArgs } from "../../../components/ztm/hub";
import { caImportScript } from "../../../components/ztm/hub-ca-import";
import type { ZeroportInputError } from "../../../components/core/validation";
import { podSpecOf, render } from "../../helpers/mocks";
import { allSchemaProblems } from "../../helpers/schema";

const hub = (extra: Partial<ZtmHubArgs> = {}) =>
  render(() => new ZtmHub("hub", { namespace: "ztm", names: ["hub.example.com:8888"], ...extra }));

describe("ZtmHub", () => {
  test("admits maxAgents agents (upstream's 100 by default), rendered so it shows; fewer than 2 refused", () => {
    const cmd = (maxAgents?: number) => {
      const c = hubCommand({ port: 8888, names: ["h:8888"], maxAgents });
      return c[c.indexOf("--max-agents") + 1];
    };
    expect([cmd(), cmd(500)]).toEqual(["100", "500"]);
    const r = ZtmHubArgsSchema.safeParse({ names: ["hub.example.com:8888"], maxAgents: 1 });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "maxAgents: must be 2 or more: the hub refuses fewer (ztm v1.0.4 hub/main.js:279)",
    ]);
    expect(ZtmHubArgsSchema.parse({ names: ["hub.example.com:8888"] }).maxAgents).toBe(100);
  });

  test("runs `ztm run hub` with explicit listen, data, names and a writable permit path", async () => {
    expect(hubCommand({ port: 8888, names: ["hub.example.com:8888", "hub.internal:443"] })).toEqual(
      [
        "ztm",
        "run",
        "hub",
        "--listen",
        "0.0.0.0:8888",
        "--data",
        "/data",
        "--names",
        "hub.example.com:8888",
        "hub.internal:443",
        "--max-agents",
        "100",
        "--permit",
        "/permit/root.json",
      ],
    );
    const r = await hub();
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "PersistentVolumeClaim/hub-data",
      "Service/hub",
      "Deployment/hub",
    ]);
    const pod = podSpecOf(r.one("Deployment"));
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container).toMatchObject({
      image: "docker.io/flomesh/ztm-hub:1.0.4",
      securityContext: { runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ["ALL"] } },
      livenessProbe: { tcpSocket: { port: 8888 } },
      volumeMounts: [
        { name: "data", mountPath: "/data" },
        { name: "tmp", mountPath: "/tmp" },
        { name: "permit", mountPath: "/permit" },
      ],
    });
    expect(r.one("Deployment").spec).toMatchObject({ replicas: 1, strategy: { type: "Recreate" } });
    expect(r.one("Service").spec).toEqual({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "ztm-hub", "app.kubernetes.io/instance": "hub" },
      ports: [{ name: "hub-8888", port: 8888, targetPort: 8888, protocol: "TCP" }],
    });
    expect(allSchemaProblems(r.manifests)).toEqual([]);
  });

  test("a hardened LoadBalancer when asked, and the CA imported from a Secret", async () => {
    const r = await hub({
      service: { type: "LoadBalancer", sourceRanges: ["203.0.113.0/24"] },
      ca: { existingSecret: { name: "mesh-ca" } },
    });
    expect(r.one("Service").spec).toMatchObject({
      type: "LoadBalancer",
      allocateLoadBalancerNodePorts: false,
      externalTrafficPolicy: "Local",
      loadBalancerSourceRanges: ["203.0.113.0/24"],
    });
    const pod = podSpecOf(r.one("Deployment"));
    const [init] = pod.initContainers as { command: string[]; volumeMounts: unknown[] }[];
    expect(init?.command).toEqual([
      "/bin/sh",
      "-c",
      caImportScript(
        { data: "/data", cert: "/ca/cert.pem", key: "/ca/key.pem" },
        { rotate: false },
      ),
    ]);
    expect(init?.command[2]).toContain(
      "timeout 10 ztm ca import --data /data --cert /ca/cert.pem --key /ca/key.pem",
    );
    expect(init?.command[2]).toContain("refusing to start");
    expect(init?.volumeMounts).toContainEqual({ name: "ca", mountPath: "/ca", readOnly: true });
  });

  test("refuses more replicas, IP names and NodePort, saying why", async () => {
    const error = (await hub({
      replicas: 2,
      names: ["203.0.113.9:8888"],
      service: { type: "NodePort" },
    }).catch((e: unknown) => e)) as ZeroportInputError;
    expect(error.issues.map((i) => `${i.path}: ${i.reason.slice(0, 60)}`)).toEqual([
      "replicas: must be 0 or 1: the open-source ZTM hub keeps endpoints and ",
      "service.type: must be ClusterIP or LoadBalancer: NodePort is refused becau",
      "names[0]: is an IP address: the hub advertises IP names only to caller",
    ]);
  });
});
