// TproxySidecar against the real `ziti tunnel tproxy` (test/fixtures/ziti-tproxy-real): the args it
// renders are the ones that ran; the range it claims is the one that landed on lo; its startup
// probe, run as rendered in a network namespace of its own, says what it said about the real
// resolver, running and stopped; and the README says what a proxy.v1 config did to it.
import * as fs from "node:fs";
import * as path from "node:path";
import { TproxySidecarArgsSchema, tproxyInjection } from "../../../components/ziti/tproxy-sidecar";
import { identityJson } from "../../helpers/fixtures";
import { inPrivateNet } from "../../helpers/private-net";

const FIXTURE = path.join(__dirname, "..", "..", "fixtures", "ziti-tproxy-real", "recorded.json");
const recorded = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as {
  args: string[];
  scenarios: {
    loAddresses?: { running: string[]; stopped: string[] };
    probes?: Record<string, { exit: number; stderr: string }>;
  }[];
};
const README = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");

function rendered() {
  const a = TproxySidecarArgsSchema.parse({ identity: { json: identityJson() } });
  const spec = tproxyInjection(
    a,
    { secretName: "s", key: "identity.json", contents: "json", namespace: "default" },
    "tp",
  ).inject(
    { containers: [{ name: "app", image: "registry.example.com/app:1" }] },
    { kind: "Deployment", name: "app", namespace: "default", replicas: 1 },
  );
  const sidecar = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find(
    (c) => c.name !== "app",
  );
  return {
    a,
    sidecar: sidecar as { args: string[]; startupProbe: { exec: { command: string[] } } },
  };
}

// Answers every query on 127.0.0.1:53 as the Ziti resolver answers a name it does not know with
// --dnsUnanswerable refused (same id, QR set, RCODE 5), then runs the rest of its arguments.
const RESOLVER = `import socket, subprocess, sys, threading
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
def answer():
    while True:
        q, peer = s.recvfrom(512)
        s.sendto(q[:2] + bytes([0x81, 0x85]) + q[4:], peer)
threading.Thread(target=answer, daemon=True).start()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(r.stderr)
sys.exit(r.returncode)
`;

/** Runs the probe in a network namespace of its own, with the stand-in resolver or without. */
async function probeInPrivateNet(command: string[], resolver: boolean) {
  const r = await inPrivateNet(resolver ? ["python3.11", "-c", RESOLVER, ...command] : command);
  return { exit: r.code, stderr: r.stderr };
}

test("the args that ran are the ones TproxySidecar renders by default", () => {
  expect(rendered().sidecar.args).toEqual(recorded.args);
});

test("the whole dnsIpRange landed on the pod's lo while it ran, as the README says", () => {
  const lo = recorded.scenarios[0]?.loAddresses;
  expect(lo?.running).toContain(rendered().a.dnsIpRange);
  expect(lo?.stopped).not.toContain(rendered().a.dnsIpRange);
  expect(README.replace(/\s+/g, " ")).toContain(
    "adds `dnsIpRange` to the pod's `lo` as a local address",
  );
});

test("the startup probe, as rendered, says what it said about the real resolver", async () => {
  const probe = rendered().sidecar.startupProbe.exec.command;
  const said = recorded.scenarios[0]?.probes;
  expect(await probeInPrivateNet(probe, true)).toEqual(said?.startup);
  expect(await probeInPrivateNet(probe, false)).toEqual(said?.startupAfterStop);
});

test("the README says a proxy.v1 config opens its port on 127.0.0.1 in tproxy pods too", () => {
  expect(README.replace(/\s+/g, " ")).toContain(
    "a tproxy tunneler (TproxySidecar, a RouterTunneler in `tproxy` mode, ziti-edge-tunnel) ignores the binding but opens the config's port on 127.0.0.1 in its own pod",
  );
});
