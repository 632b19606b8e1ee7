// LoopbackSidecar's probe (startup and liveness) against the kernel's own socket tables: a process
// named ziti (node through a symlink, so /proc/<pid>/comm says "ziti") listens as `ziti tunnel
// proxy` does for the services it was given and, as upstream does for any other service its
// identity may dial that has a proxy.v1 config without a binding, on 0.0.0.0 or [::]. The probe
// must name each of those, and only the ziti process's: the application's own 0.0.0.0 listener is
// not the sidecar's to judge.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { loopbackListenersProbe } from "../../../components/ziti/proxy-binding";

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, "127.0.0.1", done));
  const { port } = s.address() as { port: number };
  await new Promise((done) => s.close(done));
  return port;
}

/** Listens as given ("tcp 127.0.0.1 8443", "udp 0.0.0.0 5353", "tcp :: 9000"), then runs the probe. */
const ZITI = `
const net = require("net"), dgram = require("dgram"), { execFileSync } = require("child_process");
const [specs, probe] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
const open = ([proto, host, port]) => new Promise((ok, no) => {
  if (proto === "tcp") { const s = net.createServer(); s.on("error", no); s.listen(+port, host, ok); }
  else { const s = dgram.createSocket(host.includes(":") ? "udp6" : "udp4"); s.on("error", no); s.bind(+port, host, ok); }
});
(async () => {
  for (const spec of specs) await open(spec.split(" "));
  try { execFileSync(probe[0], probe.slice(1), { stdio: "pipe" }); console.log("ready"); }
  catch (e) { console.log(String(e.stderr).trim()); }
  process.exit(0);
})();
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-ziti-"));
  fs.symlinkSync(process.execPath, path.join(dir, "ziti"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runZiti(specs: string[], probe: string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      path.join(dir, "ziti"),
      ["-e", ZITI, JSON.stringify(specs), JSON.stringify(probe)],
      { timeout: 20_000 },
      (error, stdout) => (error ? fail(new Error(error.message)) : done(stdout.trim())),
    ),
  );
}

test("ready when ziti listens on 127.0.0.1 for every service and nowhere else", async () => {
  const [tcp, udp] = [await freePort(), await freePort()];
  const probe = loopbackListenersProbe([
    { name: "orders", port: tcp, protocols: ["tcp"] },
    { name: "dns", port: udp, protocols: ["udp"] },
  ]);
  // The application's own wildcard listener in the same network namespace is not ziti's.
  const app = createServer();
  const appPort = await freePort();
  await new Promise<void>((done) => app.listen(appPort, "0.0.0.0", done));
  try {
    expect(await runZiti([`tcp 127.0.0.1 ${tcp}`, `udp 127.0.0.1 ${udp}`], probe)).toBe("ready");
  } finally {
    await new Promise((done) => app.close(done));
  }
});

test("not ready, and not alive, while ziti listens beyond loopback for another service", async () => {
  const [tcp, extraTcp, extraUdp, extra6] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const probe = loopbackListenersProbe([{ name: "orders", port: tcp, protocols: ["tcp"] }]);
  const out = await runZiti(
    [
      `tcp 127.0.0.1 ${tcp}`,
      `tcp 0.0.0.0 ${extraTcp}`,
      `udp 0.0.0.0 ${extraUdp}`,
      `tcp :: ${extra6}`,
    ],
    probe,
  );
  const leaks = [`tcp 0.0.0.0:${extraTcp}`, `tcp :::${extra6}`, `udp 0.0.0.0:${extraUdp}`].sort();
  expect(out).toBe(
    `ziti tunnel proxy listens beyond loopback on ${leaks.join(", ")}: a service it may dial has a proxy.v1 config without binding 127.0.0.1`,
  );
});

test("a service listed for tcp and udp needs both listeners on loopback", async () => {
  const port = await freePort();
  const probe = loopbackListenersProbe([{ name: "dns", port, protocols: ["tcp", "udp"] }]);
  expect(await runZiti([`tcp 127.0.0.1 ${port}`], probe)).toBe(
    `ziti tunnel proxy is not listening on 127.0.0.1 for ${port}/udp: each service needs a proxy.v1 config with binding 127.0.0.1`,
  );
  expect(await runZiti([`tcp 127.0.0.1 ${port}`, `udp 127.0.0.1 ${port}`], probe)).toBe("ready");
});
