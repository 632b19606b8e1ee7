// The reconciler's script, run with node against a fake agent that serves what a real ZTM agent
// was recorded answering (test/fixtures/ztm-agent): converge in one pass, then zero changes.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { reconcilerScript, type DesiredState } from "../../../components/ztm/reconciler-in-pod";
import { fakeAgent, type FakeAgent } from "./fake-agent";
import endpoints from "../../fixtures/ztm-agent/endpoints.json";

const EP_B = endpoints.find((e) => e.name === "ep-b")?.id ?? "";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ztm-reconciler-"));
const script = path.join(dir, "reconcile.js");
const stuckFile = path.join(dir, "agent-stuck");
const refusedFile = path.join(dir, "agent-refused");
const SELF = endpoints.find((e) => e.name === "ep-a")?.id ?? "";
fs.writeFileSync(script, reconcilerScript());

function run(
  agent: FakeAgent,
  desired: DesiredState,
  env: Record<string, string> = { ZTM_ONCE: "1" },
  stopWhen?: (out: string) => boolean,
): Promise<{ code: number | null; out: string }> {
  const file = path.join(dir, "desired.json");
  fs.writeFileSync(file, JSON.stringify(desired));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      env: {
        ...process.env,
        ZTM_AGENT: agent.url,
        ZTM_DESIRED: file,
        ZTM_STUCK_FILE: stuckFile,
        ZTM_REFUSED_FILE: refusedFile,
        ...env,
      },
    });
    let out = "";
    const more = (c: Buffer) => {
      out += c.toString();
      if (stopWhen?.(out)) child.kill();
    };
    child.stdout.on("data", more);
    child.stderr.on("data", more);
    child.on("close", (code) => resolve({ code, out }));
  });
}
const changing = (agent: FakeAgent) => agent.calls.filter((c) => !c.startsWith("GET"));

const desired: DesiredState = {
  mesh: "m1",
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

describe("a mesh larger than the agent's page of 100 endpoints", () => {
  const many = Array.from({ length: 250 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    name: `ep-${i}`,
  }));
  let agent: FakeAgent;
  beforeEach(async () => (agent = await fakeAgent(undefined, { extraEndpoints: many })));
  afterEach(() => agent.close());

  test("the unfiltered list the agent serves stops at 100", async () => {
    const res = await fetch(`http://${agent.url}/api/meshes/m1/endpoints`);
    expect(((await res.json()) as unknown[]).length).toBe(100);
  });

  test("names past the first page resolve, each asked for by name as the ztm CLI does", async () => {
    const named: DesiredState = {
      ...desired,
      outbound: [{ ...desired.outbound[0], entrances: ["ep-249", "ep-b"] }],
      inbound: [{ ...desired.inbound[0], exits: ["ep-180", many[3]?.id ?? ""] }],
    };
    const r = await run(agent, named);
    expect(r.code).toBe(0);
    expect(agent.state.outbound[0]?.entrances).toEqual([many[249]?.id, EP_B]);
    expect(agent.state.inbound[0]?.exits).toEqual([many[180]?.id, many[3]?.id]);
    expect(agent.calls.filter((c) => c.includes("/endpoints?"))).toEqual([
      `GET /api/meshes/m1/endpoints?id=${SELF}&name=${SELF}`,
      "GET /api/meshes/m1/endpoints?id=ep-249&name=ep-249",
      "GET /api/meshes/m1/endpoints?id=ep-b&name=ep-b",
      "GET /api/meshes/m1/endpoints?id=ep-180&name=ep-180",
      `GET /api/meshes/m1/endpoints?id=${many[3]?.id}&name=${many[3]?.id}`,
    ]);
  });
});

describe("the ZTM reconciler against the recorded agent", () => {
  let agent: FakeAgent;
  beforeEach(async () => {
    agent = await fakeAgent();
    fs.rmSync(stuckFile, { force: true });
    fs.rmSync(refusedFile, { force: true });
  });
  afterEach(() => agent.close());

  test("converges in one pass, then changes nothing (inbound listens carry `open`)", async () => {
    const first = await run(agent, desired);
    expect(first.code).toBe(0);
    expect(changing(agent)).toEqual([
      "POST tunnel/outbound/tcp/web",
      "POST tunnel/inbound/tcp/db",
      "POST proxy/config",
    ]);
    expect(agent.state.inbound).toEqual([
      {
        listens: [{ ip: "0.0.0.0", port: 15432, open: true }],
        protocol: "tcp",
        name: "db",
        exits: [],
      },
    ]);
    agent.calls.length = 0;
    const second = await run(agent, desired);
    expect(second.code).toBe(0);
    expect(changing(agent)).toEqual([]);
    expect(second.out).toMatch(/in sync/);
  });

  test("resolves endpoint names to ids for entrances and exits, as the ztm CLI does", async () => {
    const named: DesiredState = {
      ...desired,
      outbound: [{ ...desired.outbound[0], entrances: ["ep-b"] }],
      inbound: [{ ...desired.inbound[0], exits: ["ep-b"] }],
    };
    expect((await run(agent, named)).code).toBe(0);
    expect(agent.state.outbound[0]?.entrances).toEqual([EP_B]);
    expect(agent.state.inbound[0]?.exits).toEqual([EP_B]);
    agent.calls.length = 0;
    expect((await run(agent, named)).out).toMatch(/in sync/);
    expect(changing(agent)).toEqual([]);
  });

  test("an unknown endpoint name is reported plainly and nothing is posted with it", async () => {
    const r = await run(agent, {
      ...desired,
      outbound: [{ ...desired.outbound[0], entrances: ["ep-zz"] }],
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not yet: endpoint ep-zz is not in mesh m1 \(yet\)/);
    expect(changing(agent)).toEqual([]);
  });

  test("updates what changed and only that, and removes what is no longer declared", async () => {
    await run(agent, desired);
    agent.calls.length = 0;
    await run(agent, {
      ...desired,
      outbound: [{ ...desired.outbound[0], targets: [{ host: "web.shop.svc", port: 9090 }] }],
      inbound: [],
      proxy: null,
    });
    expect(changing(agent)).toEqual([
      "POST tunnel/outbound/tcp/web",
      "DELETE tunnel/inbound/tcp/db",
      "POST proxy/config",
    ]);
    expect(agent.state.proxy).toEqual({ listen: "", targets: [], exclusions: [], rules: [] });
  });

  test("a failed listen: says so, fails the agent's probes until a restart, then recovers", async () => {
    agent.state.takenPorts.add(15432);
    const r = await run(agent, desired);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "the agent's tunnel app has a failed listen: tcp/db 0.0.0.0:15432 (unable to listen on [0.0.0.0]:15432); ZTM does not retry it on its own",
    );
    expect(fs.readFileSync(stuckFile, "utf8")).toContain("until a restart");
    // While stuck, no inbound change is attempted (each would answer 500); the proxy still is applied.
    agent.calls.length = 0;
    await run(agent, { ...desired, inbound: [] });
    expect(changing(agent)).toEqual([]);
    agent.state.takenPorts.clear();
    agent.restart();
    const after = await run(agent, desired);
    expect(after.code).toBe(0);
    expect(fs.existsSync(stuckFile)).toBe(false);
  });

  test("an unknown mesh (404, empty body) and a mesh not yet connected are waited for", async () => {
    const r = await run(agent, { ...desired, mesh: "nosuchmesh" });
    expect(r).toMatchObject({ code: 1 });
    expect(r.out).toMatch(/not yet: the agent has not joined mesh nosuchmesh \(HTTP 404\)/);
    agent.state.connected = false;
    expect((await run(agent, desired)).out).toMatch(/not yet: mesh m1 is not connected yet\n/);
    // The agent's own last error says why (a real agent logs "No hub found" when the hub is down).
    agent.state.errors.push(
      { time: "2026-12-04T10:00:00.000Z", message: "Connection to hub 127.0.0.1:8888 closed" },
      { time: "2026-12-04T10:00:05.000Z", message: "No hub found" },
    );
    expect((await run(agent, desired)).out).toMatch(
      /not yet: mesh m1 is not connected yet \(the agent says: No hub found\)/,
    );
  });

  test("an agent the hub did not admit is refused, not healthy: nothing is applied, readiness fails until it is listed", async () => {
    // As recorded past the hub's --max-agents: connected, no error, but not in the hub's list.
    agent.state.admitted = false;
    const r = await run(agent, desired);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `not yet: this agent, endpoint ep-a (${SELF}), says it is connected to mesh m1, but the hub does not list it: the hub has not admitted it`,
    );
    expect(r.out).toContain("ZtmHub maxAgents");
    expect(r.out).not.toContain("applied");
    expect(changing(agent)).toEqual([]);
    expect(fs.readFileSync(refusedFile, "utf8")).toContain("raise maxAgents");
    agent.state.admitted = true;
    const after = await run(agent, desired);
    expect(after.code).toBe(0);
    expect(after.out).toContain("applied 3 change(s)");
    expect(fs.existsSync(refusedFile)).toBe(false);
  });

  test("a certificate near its notAfter is a warning in the log, once, and changes nothing else", async () => {
    const pem = fs.readFileSync(path.join(__dirname, "../../fixtures/ztm-ca/a1.pem"), "utf8");
    agent.state.certificate = pem;
    agent.state.ca = pem;
    // The fixture expires 2036-12-04: a warning window of 20 years takes it in.
    const r = await run(agent, desired, { ZTM_ONCE: "1", ZTM_EXPIRY_WARN_DAYS: "7300" });
    expect(r.code).toBe(0);
    const lines = r.out.split("\n").filter((l) => l.includes("WARNING"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /WARNING: the agent's permit certificate \(user root\) expires at 2036-12-04T21:34:17.000Z, in \d+ day\(s\); renew it .*; WARNING: the mesh CA certificate expires at 2036-12-04T21:34:17.000Z/,
    );
    const quiet = await run(agent, desired);
    expect(quiet.out).not.toContain("WARNING");
  });

  test("retries with a bounded backoff and logs each problem once, not once per retry", async () => {
    agent.state.connected = false;
    setTimeout(() => (agent.state.connected = true), 2500);
    const started = Date.now();
    const r = await run(agent, desired, { ZTM_INTERVAL_MS: "60000" }, (out) =>
      out.includes("applied 3 change(s)"),
    );
    expect(Date.now() - started).toBeLessThan(10000);
    expect(r.out.match(/not yet: mesh m1 is not connected yet/g)).toHaveLength(1);
    expect(r.out).toMatch(/recovered after [2-4] failed pass\(es\)/);
    // 1 s, 2 s … between attempts: a handful of mesh GETs, not a storm.
    expect(agent.calls.filter((c) => c === "GET /api/meshes/m1").length).toBeLessThanOrEqual(6);
  });
});
