// The reconciler's script, run with node against a fake agent that answers the ZTM agent API
// paths (agent/apps/ztm/tunnel/api.js and proxy/api.js): create, no-op, update and removal.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { reconcilerScript, type DesiredState } from "../../../components/ztm/reconciler-in-pod";

const EP = "6c5e0f0e-1111-4222-8333-444455556666";
const MESH = "/api/meshes/mcs";

interface FakeAgent {
  url: string;
  calls: string[];
  state: {
    connected: boolean;
    outbound: Record<string, unknown>[];
    inbound: Record<string, unknown>[];
    proxy: Record<string, unknown>;
  };
  close(): Promise<void>;
}

async function fakeAgent(): Promise<FakeAgent> {
  const state: FakeAgent["state"] = {
    connected: true,
    outbound: [],
    inbound: [],
    proxy: { listen: "", targets: [], exclusions: [], rules: [], generateCert: false },
  };
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const url = req.url ?? "";
      calls.push(
        `${req.method} ${url.replace(`${MESH}/apps/ztm/`, "").replace(`/api/endpoints/${EP}`, "")}`,
      );
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      const m = new RegExp(
        `^${MESH}/apps/ztm/tunnel/api/endpoints/${EP}/(inbound|outbound)(?:/(tcp|udp)/([^/]+))?$`,
      ).exec(url);
      if (url === MESH && req.method === "GET")
        return send(200, {
          name: "mcs",
          connected: state.connected,
          agent: { id: EP, name: "cluster-a" },
        });
      if (m) {
        const list = state[m[1] as "inbound" | "outbound"];
        if (!m[2] && req.method === "GET") return send(200, list);
        const i = list.findIndex((e) => e.protocol === m[2] && e.name === m[3]);
        if (req.method === "POST") {
          const entry = { protocol: m[2], name: m[3], ...(JSON.parse(body) as object) };
          if (i >= 0) list[i] = entry;
          else list.push(entry);
          return send(201, entry);
        }
        if (req.method === "DELETE") {
          if (i >= 0) list.splice(i, 1);
          return send(204, null);
        }
      }
      if (url === `${MESH}/apps/ztm/proxy/api/endpoints/${EP}/config`) {
        if (req.method === "GET") return send(200, state.proxy);
        state.proxy = JSON.parse(body) as Record<string, unknown>;
        return send(201, state.proxy);
      }
      return send(404, { error: `no route ${req.method} ${url}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    calls,
    state,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ztm-reconciler-")), "reconcile.js");
fs.writeFileSync(script, reconcilerScript());

function runOnce(
  agent: FakeAgent,
  desired: DesiredState,
): Promise<{ code: number | null; out: string }> {
  const file = path.join(path.dirname(script), "desired.json");
  fs.writeFileSync(file, JSON.stringify(desired));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ZTM_AGENT: agent.url, ZTM_DESIRED: file, ZTM_ONCE: "1" },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", (code) => resolve({ code, out }));
  });
}

const desired: DesiredState = {
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
  inbound: [{ protocol: "tcp", name: "db", listens: [{ ip: "0.0.0.0", port: 15432 }], exits: [] }],
  proxy: { listen: "0.0.0.0:8082", targets: ["*.svc.cluster.local"], exclusions: [], rules: [] },
};

describe("the ZTM reconciler", () => {
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await fakeAgent();
  });
  afterAll(() => agent.close());

  test("creates what is declared", async () => {
    const r = await runOnce(agent, desired);
    expect(r.code).toBe(0);
    expect(agent.calls.filter((c) => !c.startsWith("GET"))).toEqual([
      "POST tunnel/outbound/tcp/web",
      "POST tunnel/inbound/tcp/db",
      "POST proxy/config",
    ]);
    expect(agent.state.outbound).toEqual([
      {
        protocol: "tcp",
        name: "web",
        targets: [{ host: "web.shop.svc", port: 8080 }],
        entrances: [],
        users: [],
      },
    ]);
    expect(agent.state.inbound).toEqual([
      { protocol: "tcp", name: "db", listens: [{ ip: "0.0.0.0", port: 15432 }], exits: [] },
    ]);
    expect(agent.state.proxy).toEqual({
      listen: "0.0.0.0:8082",
      targets: ["*.svc.cluster.local"],
      exclusions: [],
      rules: [],
      generateCert: false,
    });
    expect(r.out).toMatch(/applied 3 change\(s\)/);
  });

  test("changes nothing when the agent already matches", async () => {
    agent.calls.length = 0;
    const r = await runOnce(agent, desired);
    expect(r.code).toBe(0);
    expect(agent.calls.filter((c) => !c.startsWith("GET"))).toEqual([]);
    expect(r.out).toMatch(/in sync/);
  });

  test("updates what changed and only that", async () => {
    agent.calls.length = 0;
    const changed = {
      ...desired,
      outbound: [{ ...desired.outbound[0], targets: [{ host: "web.shop.svc", port: 9090 }] }],
    };
    await runOnce(agent, changed);
    expect(agent.calls.filter((c) => !c.startsWith("GET"))).toEqual([
      "POST tunnel/outbound/tcp/web",
    ]);
    expect(agent.state.outbound[0]?.targets).toEqual([{ host: "web.shop.svc", port: 9090 }]);
  });

  test("removes what is no longer declared", async () => {
    agent.calls.length = 0;
    await runOnce(agent, { ...desired, inbound: [], proxy: null });
    expect(agent.calls.filter((c) => !c.startsWith("GET"))).toEqual([
      "POST tunnel/outbound/tcp/web",
      "DELETE tunnel/inbound/tcp/db",
      "POST proxy/config",
    ]);
    expect(agent.state.inbound).toEqual([]);
    expect(agent.state.proxy).toMatchObject({ listen: "", targets: [] });
  });

  test("waits while the mesh is not connected", async () => {
    agent.state.connected = false;
    const r = await runOnce(agent, desired);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not yet: mesh mcs is not connected yet/);
    agent.state.connected = true;
  });
});
