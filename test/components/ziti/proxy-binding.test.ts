import { createServer } from "node:net";
import {
  LoopbackSidecarArgsSchema,
  loopbackInjection,
} from "../../../components/ziti/loopback-sidecar";
import { identityJson, proxyBindRecords } from "../../helpers/fixtures";
import { POD_ADDRESS, inPrivateNet } from "../../helpers/private-net";

const recorded = proxyBindRecords();

/** The sidecar container LoopbackSidecar renders for one TCP and one UDP service. */
function renderedSidecar(tcp: number, udp: number) {
  const a = LoopbackSidecarArgsSchema.parse({
    identity: { json: identityJson() },
    services: [
      { name: "orders", port: tcp },
      { name: "dns", port: udp, protocols: ["udp"] },
    ],
  });
  const identity = { secretName: "s", key: "identity.json", contents: "json" as const };
  const spec = loopbackInjection(a, { ...identity, namespace: "default" }, "lb").inject(
    { containers: [{ name: "app", image: "registry.example.com/app:1" }] },
    { kind: "Deployment", name: "app", namespace: "default", replicas: 1 },
  );
  return spec.initContainers?.[0] as {
    command: string[];
    startupProbe: { exec: { command: string[] } };
  };
}

// Every run is in a network namespace of its own (test/helpers/private-net.ts).
const podAddress = POD_ADDRESS;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, "127.0.0.1", done));
  const { port } = s.address() as { port: number };
  await new Promise((done) => s.close(done));
  return port;
}

/**
 * What ziti's listen calls meet, made by Node in place of ziti: Node, like Go, sets SO_REUSEADDR
 * on TCP listeners and not on UDP sockets. Prints one JSON line of outcomes, then the probe's.
 */
const CHILD = `
const net = require("net"), dgram = require("dgram"), { execFileSync } = require("child_process");
const [tcp, udp, address, probe] = [+process.argv[1], +process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
const out = {};
const code = (e) => e.code;
const listen = (host) => new Promise((ok) => { const s = net.createServer(); s.on("error", (e) => ok(code(e))); s.listen(tcp, host, () => ok("listening")); });
const bind = (host) => new Promise((ok) => { const s = dgram.createSocket("udp4"); s.on("error", (e) => ok(code(e))); s.bind(udp, host, () => ok("bound")); });
const dial = () => new Promise((ok) => { const c = net.connect(tcp, address); c.on("error", (e) => ok(code(e))); c.on("connect", () => { c.destroy(); ok("connected"); }); });
const runProbe = () => { try { execFileSync(probe[0], probe.slice(1), { stdio: "pipe" }); return "ready"; } catch (e) { return String(e.stderr).trim(); } };
(async () => {
  out.probeBefore = runProbe();
  out.tcpWildcard = await listen("0.0.0.0");
  out.tcpLoopback = await listen("127.0.0.1");
  out.dial = await dial();
  out.udpWildcard = await bind("0.0.0.0");
  out.udpLoopback = await bind("127.0.0.1");
  out.probeAfter = runProbe();
  console.log(JSON.stringify(out));
  process.exit(0);
})();
`;

/** Runs `command` (python3.11 and the guard) with `node -e CHILD` in place of ziti. */
function runGuarded(command: string[], args: string[]) {
  const cut = command.indexOf("--");
  expect(command.slice(0, 2)).toEqual(["python3.11", "-c"]);
  expect(command[cut + 1]).toBe("ziti");
  return inPrivateNet([...command.slice(0, cut + 1), process.execPath, "-e", CHILD, ...args]);
}

// Holds a TCP listener on 0.0.0.0:<port>, then runs the rest of its arguments and exits with them.
const HOLDER = `import socket, subprocess, sys
s = socket.socket()
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen()
r = subprocess.run(sys.argv[2:], capture_output=True, text=True)
sys.stdout.write(r.stdout)
sys.stderr.write(r.stderr)
sys.exit(r.returncode)
`;

/** Runs `command` in a private network namespace where another process listens on 0.0.0.0:port. */
function withWildcardListener(port: number, command: string[]) {
  return inPrivateNet(["python3.11", "-c", HOLDER, String(port), ...command]);
}

/** A recorded Go outcome in the words Node uses for the same kernel answer. */
function asNode(caseName: string): string {
  const outcome = recorded.find((r) => r.case === caseName)?.outcome ?? "(not recorded)";
  if (outcome.endsWith("bind: address already in use")) return "EADDRINUSE";
  if (outcome.endsWith("connect: connection refused")) return "ECONNREFUSED";
  if (outcome.startsWith("listening on 127.0.0.1:")) return "listening";
  if (outcome.startsWith("bound to 127.0.0.1:")) return "bound";
  return outcome;
}

describe("the bind guard keeps ziti's listeners off the pod network", () => {
  test("the recording shows the exposure it closes: without it, 0.0.0.0 answers other pods", () => {
    expect(asNode("no guard: tcp4 listen on 0.0.0.0 (a command-line service)")).toMatch(
      /^listening on 0\.0\.0\.0:/,
    );
    expect(asNode("no guard: another pod connects to the pod address")).toBe("connected");
    expect(
      asNode("first address of lo (what ResolveLocalBinding returns for binding 127.0.0.1 or lo)"),
    ).toBe("127.0.0.1/8");
  });

  test("as rendered, it makes the kernel answer as recorded for ziti's own calls", async () => {
    const [tcp, udp] = [await freePort(), await freePort()];
    const sidecar = renderedSidecar(tcp, udp);
    const probe = sidecar.startupProbe.exec.command;
    const r = await runGuarded(sidecar.command, [
      String(tcp),
      String(udp),
      podAddress ?? "",
      JSON.stringify(probe),
    ]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(r.stdout)).toEqual({
      probeBefore: `ziti tunnel proxy is not listening on 127.0.0.1 for ${tcp}/tcp, ${udp}/udp: each service needs a proxy.v1 config with binding 127.0.0.1`,
      tcpWildcard: asNode("guard: tcp4 listen on 0.0.0.0 (a command-line service)"),
      tcpLoopback: asNode("guard: tcp4 listen on 127.0.0.1 (a proxy.v1 binding)"),
      dial: asNode("guard: another pod connects to the pod address"),
      udpWildcard: asNode("guard: udp4 listen on 0.0.0.0 (a command-line service)"),
      udpLoopback: asNode("guard: udp4 listen on 127.0.0.1 (a proxy.v1 binding)"),
      probeAfter: "ready",
    });
    expect(["EADDRINUSE", "ECONNREFUSED", "listening", "bound"]).toEqual([
      asNode("guard: tcp4 listen on 0.0.0.0 (a command-line service)"),
      asNode("guard: another pod connects to the pod address"),
      asNode("guard: tcp4 listen on 127.0.0.1 (a proxy.v1 binding)"),
      asNode("guard: udp4 listen on 127.0.0.1 (a proxy.v1 binding)"),
    ]);
  });

  test("refuses to start ziti when a port is already taken on every address", async () => {
    const [tcp, udp] = [await freePort(), await freePort()];
    const { command } = renderedSidecar(tcp, udp);
    const cut = command.indexOf("--");
    const r = await withWildcardListener(tcp, [
      ...command.slice(0, cut + 1),
      process.execPath,
      "-e",
      "process.exit(0)",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `zeroport bind guard: cannot hold ${tcp}/tcp on 127.0.0.2: Address already in use`,
    );
  });

  test("the startup probe is not satisfied by a wildcard listener", async () => {
    const [tcp, udp] = [await freePort(), await freePort()];
    const r = await withWildcardListener(tcp, renderedSidecar(tcp, udp).startupProbe.exec.command);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`not listening on 127.0.0.1 for ${tcp}/tcp, ${udp}/udp`);
  });
});
