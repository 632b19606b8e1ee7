import { execFile } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TproxySidecarArgsSchema, tproxyInjection } from "../../../components/ziti/tproxy-sidecar";
import { RESOLVER_PROBE_WAIT_SECONDS } from "../../../components/ziti/resolver-probe";
import { identityJson } from "../../helpers/fixtures";
import { identity } from "./tproxy-fixtures";

interface Recording {
  query: string;
  replies: { disposition: string; reply: string }[];
}
const recording = JSON.parse(
  readFileSync(join(__dirname, "../../fixtures/ziti-resolver/replies.json"), "utf8"),
) as Recording;
const recorded = (disposition: string) =>
  Buffer.from(recording.replies.find((r) => r.disposition === disposition)?.reply ?? "", "hex");

/** The startup probe TproxySidecar renders for these dispositions, as the kubelet would run it. */
function renderedProbe(dnsUnanswerable: string) {
  const a = TproxySidecarArgsSchema.parse({
    namespace: "shop",
    identity: { json: identityJson() },
    dnsUnanswerable,
  });
  const spec = tproxyInjection(a, identity, "egress").inject(
    { containers: [{ name: "app", image: "registry.example.com/web:1.0" }] },
    { kind: "Deployment", name: "web", namespace: "shop", replicas: 1 },
  );
  const sidecar = (spec.initContainers ?? [])[0] as {
    startupProbe: { exec: { command: string[] }; timeoutSeconds: number };
  };
  return sidecar.startupProbe;
}

/** A UDP socket on 127.0.0.1 that answers each datagram with `reply` (nothing when empty). */
async function resolver(reply: (query: Buffer) => Buffer) {
  const received: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    received.push(query.toString("hex"));
    const answer = reply(query);
    if (answer.length > 0) socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((done) => socket.bind(0, "127.0.0.1", done));
  return { socket, port: socket.address().port, received };
}

const sockets: Socket[] = [];
afterEach(() => sockets.splice(0).forEach((s) => s.close()));

/** Runs the rendered command with the test port in place of 53; resolves exit code and stderr. */
function run(command: string[], port: number) {
  expect(command.slice(0, 2)).toEqual(["python3.11", "-c"]);
  expect(command[3]).toBe("127.0.0.1");
  expect(command[4]).toBe("53");
  const argv = [...command.slice(1, 4), String(port), ...command.slice(5)];
  const started = Date.now();
  return new Promise<{ code: number; stderr: string; ms: number }>((done) => {
    execFile(command[0], argv, { timeout: 10_000 }, (error, _stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? -1) : 0;
      done({ code, stderr: stderr.trim(), ms: Date.now() - started });
    });
  });
}

describe("the TproxySidecar startup probe asks the Ziti resolver", () => {
  test.each(["refused", "servfail"])(
    "passes once the resolver answers (recorded %s reply), sending the recorded query",
    async (disposition) => {
      const r = await resolver(() => recorded(disposition));
      sockets.push(r.socket);
      const result = await run(renderedProbe(disposition).exec.command, r.port);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(r.received).toEqual([recording.query]);
    },
  );

  test("fails at once while nothing listens yet (the agent is up before the resolver)", async () => {
    const r = await resolver(() => Buffer.alloc(0));
    const port = r.port;
    r.socket.close();
    const result = await run(renderedProbe("refused").exec.command, port);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ziti resolver: nothing listens on 127.0.0.1:${port}/udp`);
    expect(result.ms).toBeLessThan(RESOLVER_PROBE_WAIT_SECONDS * 1000);
  });

  test("a resolver set to stay silent passes by listening; otherwise silence fails", async () => {
    const r = await resolver(() => recorded("timeout"));
    sockets.push(r.socket);
    expect(recorded("timeout")).toHaveLength(0);
    expect(await run(renderedProbe("timeout").exec.command, r.port)).toMatchObject({ code: 0 });
    const refused = await run(renderedProbe("refused").exec.command, r.port);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `ziti resolver: no answer from 127.0.0.1:${r.port} within ${RESOLVER_PROBE_WAIT_SECONDS} s`,
    );
  });

  test("an echo of the query is not an answer", async () => {
    const r = await resolver((query) => query);
    sockets.push(r.socket);
    const result = await run(renderedProbe("refused").exec.command, r.port);
    expect(result).toMatchObject({
      code: 1,
      stderr: "ziti resolver: the reply does not answer the probe",
    });
  });

  test("waits less than the kubelet gives the probe", () => {
    expect(renderedProbe("refused").timeoutSeconds).toBeGreaterThan(RESOLVER_PROBE_WAIT_SECONDS);
  });
});
