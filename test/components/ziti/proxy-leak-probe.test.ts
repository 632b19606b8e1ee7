// LoopbackSidecar's probe (startup and liveness) against the kernel's own socket tables: a process
// named ziti (node through a symlink, so /proc/<pid>/comm says "ziti") listens as `ziti tunnel
// proxy` does for the services it was given and, as upstream does for any other service its
// identity may dial that has a proxy.v1 config without a binding, on 0.0.0.0 or [::]. The probe
// must name each of those, and only the ziti process's. The listeners the real `ziti` opened
// (test/fixtures/ziti-loopback-real) are opened again and must get the recorded verdicts. Every
// run is in a network namespace of its own (unshare -rn), so no wildcard listener is ever
// reachable from outside it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  LoopbackSidecarArgsSchema,
  loopbackProcess,
  loopbackProxyConfigs,
} from "../../../components/ziti/loopback-sidecar";
import { loopbackListenersProbe, type ProxyPort } from "../../../components/ziti/proxy-binding";
import { identityJson } from "../../helpers/fixtures";
import { inPrivateNet } from "../../helpers/private-net";

/**
 * Listens as given ("tcp 127.0.0.1 8443", "udp 0.0.0.0 5353", "tcp :: 9000"; an "app" prefix
 * listens in a second process not named ziti), then runs the probe.
 */
const ZITI = `
const net = require("net"), dgram = require("dgram"), { execFileSync, spawn } = require("child_process");
const [specs, probe] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
const open = ([proto, host, port]) => new Promise((ok, no) => {
  if (proto === "tcp") { const s = net.createServer(); s.on("error", no); s.listen(+port, host, ok); }
  else { const s = dgram.createSocket(host.includes(":") ? "udp6" : "udp4"); s.on("error", no); s.bind(+port, host, ok); }
});
(async () => {
  const apps = specs.filter((s) => s.startsWith("app ")).map((s) => s.slice(4));
  const app = apps.length ? spawn(process.execPath.replace(/ziti$/, "app"), ["-e", "const net=require('net');" + apps.map((a) => "net.createServer().listen(" + a.split(" ")[2] + ", '" + a.split(" ")[1] + "');").join("") + "setInterval(()=>{},1000)"]) : undefined;
  if (app) await new Promise((ok) => setTimeout(ok, 500));
  for (const spec of specs.filter((s) => !s.startsWith("app "))) await open(spec.split(" "));
  try { execFileSync(probe[0], probe.slice(1), { stdio: "pipe" }); console.log(JSON.stringify({ exit: 0, stderr: "" })); }
  catch (e) { console.log(JSON.stringify({ exit: e.status, stderr: String(e.stderr).trim() })); }
  app?.kill();
  process.exit(0);
})();
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-ziti-"));
  fs.symlinkSync(process.execPath, path.join(dir, "ziti"));
  fs.symlinkSync(process.execPath, path.join(dir, "app"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the fake ziti in a network namespace of its own; returns the probe's exit and stderr. */
async function runZiti(
  specs: string[],
  probe: string[],
): Promise<{ exit: number; stderr: string }> {
  const r = await inPrivateNet([
    path.join(dir, "ziti"),
    "-e",
    ZITI,
    JSON.stringify(specs),
    JSON.stringify(probe),
  ]);
  if (r.code !== 0) throw new Error(`the fake ziti failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { exit: number; stderr: string };
}
const ready = { exit: 0, stderr: "" };
const failing = (stderr: string) => ({ exit: 1, stderr });

test("ready when ziti listens on 127.0.0.1 for every service and nowhere else", async () => {
  const probe = loopbackListenersProbe([
    { name: "orders", port: 8443, protocols: ["tcp"] },
    { name: "dns", port: 5353, protocols: ["udp"] },
  ]);
  // The application's own wildcard listener in the same network namespace is not ziti's.
  expect(
    await runZiti(["app tcp 0.0.0.0 8080", "tcp 127.0.0.1 8443", "udp 127.0.0.1 5353"], probe),
  ).toEqual(ready);
});

test("not ready, and not alive, while ziti listens beyond loopback for another service", async () => {
  const probe = loopbackListenersProbe([{ name: "orders", port: 8443, protocols: ["tcp"] }]);
  expect(
    await runZiti(
      ["tcp 127.0.0.1 8443", "tcp 0.0.0.0 9001", "udp 0.0.0.0 9002", "tcp :: 9003"],
      probe,
    ),
  ).toEqual(
    failing(
      "ziti tunnel proxy listens beyond loopback on tcp 0.0.0.0:9001, tcp :::9003, udp 0.0.0.0:9002: a service it may dial has a proxy.v1 config without binding 127.0.0.1",
    ),
  );
});

test("a service listed for tcp and udp needs both listeners on loopback", async () => {
  const probe = loopbackListenersProbe([{ name: "dns", port: 5353, protocols: ["tcp", "udp"] }]);
  expect(await runZiti(["tcp 127.0.0.1 5353"], probe)).toEqual(
    failing(
      "ziti tunnel proxy is not listening on 127.0.0.1 for 5353/udp: each service needs a proxy.v1 config with binding 127.0.0.1",
    ),
  );
  expect(await runZiti(["tcp 127.0.0.1 5353", "udp 127.0.0.1 5353"], probe)).toEqual(ready);
});

interface Scenario {
  name: string;
  services: ProxyPort[];
  controller: Record<string, { "proxy.v1"?: object; dial: boolean }>;
  command?: string;
  listeners: string[];
  probes: Record<"startup" | "liveness", { exit: number; stderr: string } | undefined>;
}
const recorded = (
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, "..", "..", "fixtures", "ziti-loopback-real", "recorded.json"),
      "utf8",
    ),
  ) as { scenarios: Scenario[] }
).scenarios;

describe("what the real ziti opened, the probes judge as recorded", () => {
  test.each(recorded.map((s) => [s.name, s] as const))("%s", async (_, scenario) => {
    const a = LoopbackSidecarArgsSchema.parse({
      identity: { json: identityJson() },
      services: scenario.services,
    });
    const p = loopbackProcess(a);
    // The configs the component asks for are the ones the controller held (where it held one).
    for (const { service, config } of loopbackProxyConfigs(a)) {
      const held = scenario.controller[service]?.["proxy.v1"];
      if (held) expect([service, config]).toEqual([service, held]);
    }
    if (scenario.command)
      expect(
        [...(p.command ?? []).slice(0, 2), "<guard>", ...(p.command ?? []).slice(3)].join(" "),
      ).toBe(scenario.command);
    const specs = scenario.listeners.map((l) => l.replace(/:(\d+)$/, " $1"));
    for (const [probe, command] of [
      ["startup", p.startupProbe.exec?.command],
      ["liveness", p.livenessProbe.exec?.command],
    ] as const) {
      const want = scenario.probes[probe];
      if (want) expect([probe, await runZiti(specs, command ?? [])]).toEqual([probe, want]);
    }
  });
});
