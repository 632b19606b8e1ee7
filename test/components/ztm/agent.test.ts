import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import {
  AGENT_API,
  ZtmAgent,
  ZtmAgentArgsSchema,
  agentCommand,
  desiredState,
  type ZtmAgentArgs,
} from "../../../components/ztm/agent";
import { permitProblems } from "../../../components/ztm/permit";
import { reconcilerScript } from "../../../components/ztm/reconciler-in-pod";
import { plainOccurrences, podSpecOf, render } from "../../helpers/mocks";
import { allSchemaProblems } from "../../helpers/schema";

const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`;
const rootPermit = JSON.stringify({
  ca: pem("CERTIFICATE"),
  agent: { certificate: pem("CERTIFICATE"), privateKey: pem("PRIVATE KEY") },
  bootstraps: ["hub.example.com:8888"],
});
const agentArgs: ZtmAgentArgs = {
  namespace: "ztm",
  mesh: "mcs",
  endpoint: "cluster-a",
  permit: { json: rootPermit },
  tunnels: {
    outbound: [{ name: "web", targets: ["web.shop.svc:8080"] }],
    inbound: [{ name: "db", port: 15432 }],
  },
  proxy: { port: 8082, targets: ["*.svc.cluster.local"] },
};
const agent = (extra: Partial<ZtmAgentArgs> = {}) =>
  render(() => new ZtmAgent("agent", { ...agentArgs, ...extra }));

describe("ZtmAgent", () => {
  test("the reconciler is not ready while the hub has not admitted the agent (probe run for real)", async () => {
    const pod = podSpecOf((await agent()).one("Deployment"));
    type C = {
      env?: { name: string; value: string }[];
      readinessProbe?: { exec: { command: string[] } };
      livenessProbe?: unknown;
    };
    const reconciler = (pod.containers as C[])[1];
    const refused = reconciler?.env?.find((e) => e.name === "ZTM_REFUSED_FILE")?.value ?? "";
    expect(refused).toBe("/run/zeroport/agent-refused");
    // Readiness only: a restart does not get an agent admitted.
    expect(reconciler?.livenessProbe).toBeUndefined();
    const [cmd, flag, code] = reconciler?.readinessProbe?.exec.command ?? [];
    expect([cmd, flag]).toEqual(["node", "-e"]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ztm-probe-"));
    const api = http.createServer((_, res) => res.writeHead(200).end("{}"));
    await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
    const { port } = api.address() as AddressInfo;
    const probe = (code ?? "")
      .replace(refused, path.join(dir, "agent-refused"))
      .replace(AGENT_API, `127.0.0.1:${port}`);
    // Not spawnSync: the API this probe calls answers from this process's event loop.
    const exit = () =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, ["-e", probe]).on("close", resolve),
      );
    try {
      expect(await exit()).toBe(0);
      fs.writeFileSync(path.join(dir, "agent-refused"), "not admitted\n");
      expect(await exit()).toBe(1);
    } finally {
      api.close();
    }
  });

  test("the agent's probes fail while the reconciler reports its tunnel app stuck", async () => {
    const pod = podSpecOf((await agent()).one("Deployment"));
    type C = {
      name: string;
      env?: { name: string; value: string }[];
      volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
      livenessProbe?: { exec: { command: string[] } };
      readinessProbe?: { exec: { command: string[] } };
    };
    const [agentC, reconciler] = pod.containers as C[];
    const stuckFile = reconciler?.env?.find((e) => e.name === "ZTM_STUCK_FILE")?.value ?? "";
    expect(stuckFile).toBe("/run/zeroport/agent-stuck");
    const probe = ["/bin/sh", "-c", `test ! -e ${stuckFile}`];
    expect(agentC?.livenessProbe?.exec.command).toEqual(probe);
    expect(agentC?.readinessProbe?.exec.command).toEqual(probe);
    // The marker travels through a memory volume both containers mount at its directory.
    expect(agentC?.volumeMounts).toContainEqual({
      name: "status",
      mountPath: "/run/zeroport",
      readOnly: true,
    });
    expect(reconciler?.volumeMounts).toContainEqual({ name: "status", mountPath: "/run/zeroport" });
    expect(pod.volumes).toContainEqual({
      name: "status",
      emptyDir: { medium: "Memory", sizeLimit: "1Mi" },
    });
  });

  test("joins as a named endpoint with its API on loopback", () => {
    expect(agentCommand({ mesh: "mcs", endpoint: "cluster-a" })).toEqual([
      "ztm",
      "run",
      "agent",
      "--listen",
      "127.0.0.1:7777",
      "--data",
      "/data",
      "--join",
      "mcs",
      "--join-as",
      "cluster-a",
      "--permit",
      "/permit/permit.json",
    ]);
  });

  test("declares the tunnels and the proxy as the reconciler applies them", () => {
    expect(desiredState(ZtmAgentArgsSchema.parse(agentArgs))).toEqual({
      mesh: "mcs",
      outbound: [
        {
          protocol: "tcp",
          name: "web",
          targets: [{ host: "web.shop.svc", port: 8080 }],
          entrances: [],
          users: [],
        },
      ],
      inbound: [
        { protocol: "tcp", name: "db", listens: [{ ip: "0.0.0.0", port: 15432 }], exits: [] },
      ],
      proxy: {
        listen: "0.0.0.0:8082",
        targets: ["*.svc.cluster.local"],
        exclusions: [],
        rules: [],
      },
    });
  });

  test("no Service unless asked; the NetworkPolicy admits only the inbound and proxy ports", async () => {
    const r = await agent();
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "NetworkPolicy/agent-ingress",
      "Secret/agent-permit",
      "ConfigMap/agent-reconciler",
      "PersistentVolumeClaim/agent-data",
      "Deployment/agent",
    ]);
    expect(r.one("NetworkPolicy").spec).toEqual({
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "ztm-agent",
          "app.kubernetes.io/instance": "agent",
        },
      },
      policyTypes: ["Ingress"],
      ingress: [
        {
          ports: [
            { port: 15432, protocol: "TCP" },
            { port: 8082, protocol: "TCP" },
          ],
        },
      ],
    });
    expect(r.one("ConfigMap").data).toEqual({
      "desired.json": JSON.stringify(desiredState(ZtmAgentArgsSchema.parse(agentArgs)), null, 2),
      "reconcile.js": reconcilerScript(),
    });
    expect(plainOccurrences(r.resources, "PRIVATE KEY")).toEqual([]);
    expect(allSchemaProblems(r.manifests)).toEqual([]);
    const withService = await agent({ service: true });
    expect(withService.one("Service").spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 15432 }, { port: 8082 }],
    });
  });

  test("a change of the declared apps restarts the pod", async () => {
    const checksum = async (extra: Partial<ZtmAgentArgs>) =>
      (
        (await agent(extra)).one("Deployment").spec as {
          template: { metadata: { annotations: Record<string, string> } };
        }
      ).template.metadata.annotations["zeroport.io/desired-checksum"];
    expect(await checksum({})).not.toBe(await checksum({ proxy: undefined }));
  });

  test("an agent with nothing declared admits no ingress at all", async () => {
    const r = await agent({
      tunnels: { outbound: [{ name: "web", targets: ["web:80"] }] },
      proxy: undefined,
    });
    expect(r.one("NetworkPolicy").spec).toEqual({
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "ztm-agent",
          "app.kubernetes.io/instance": "agent",
        },
      },
      policyTypes: ["Ingress"],
    });
  });
});

describe("permits", () => {
  test("a root permit is accepted; others are refused with the reason", () => {
    expect(permitProblems(rootPermit)).toEqual([]);
    expect(
      permitProblems(
        JSON.stringify({
          ca: pem("CERTIFICATE"),
          agent: { certificate: pem("CERTIFICATE") },
          bootstraps: ["h:1"],
        }),
      ),
    ).toEqual([
      "must have `agent.privateKey`: only root permits (`ztm root`, or the hub's --permit file) carry one, and the agent ignores a permit's key for any other user",
    ]);
    expect(permitProblems("{")).toEqual(["must be a ZTM permit (JSON); it does not parse"]);
    expect(permitProblems("{}")).toHaveLength(4);
  });

  test("an outbound target is host:port with a port the agent can dial", () => {
    const targets = (t: string) =>
      ZtmAgentArgsSchema.safeParse({
        ...agentArgs,
        tunnels: { outbound: [{ name: "web", targets: [t] }] },
      }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(targets("web.shop.svc:8080")).toEqual([]);
    for (const bad of ["web.shop.svc:99999", "web.shop.svc:0", "web.shop.svc", "web_shop:80"]) {
      expect(targets(bad)).toEqual([
        "tunnels.outbound.0.targets.0: must be host:port (a DNS name or IPv4 address, a port 1-65535)",
      ]);
    }
  });

  test("repeated ports and tunnels are refused", () => {
    const r = ZtmAgentArgsSchema.safeParse({
      ...agentArgs,
      tunnels: {
        inbound: [
          { name: "a", port: 9000 },
          { name: "a", port: 9001 },
        ],
      },
      proxy: { port: 9000 },
    });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "proxy.port: uses port 9000, already taken by inbound tcp/a",
      "tunnels.inbound.1.name: repeats inbound tcp/a",
    ]);
  });

  test("a proxy allow rule that names groups but no users is refused (it would allow everyone)", () => {
    const rules = (rule: Record<string, unknown>) =>
      ZtmAgentArgsSchema.safeParse({
        ...agentArgs,
        proxy: { port: 8082, rules: [rule] },
      }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(rules({ groups: ["admins"], action: "allow" })).toEqual([
      "proxy.rules.0.groups: an allow rule with `groups` and no `users` allows everyone whenever its groups resolve to nobody (ZTM merges group members into users and skips an empty user list): name the users too",
    ]);
    expect(rules({ groups: ["admins"], users: ["alice"], action: "allow" })).toEqual([]);
    // A deny rule by group fails closed: an empty group denies everyone, which is safe.
    expect(rules({ groups: ["admins"], action: "deny" })).toEqual([]);
  });
});
