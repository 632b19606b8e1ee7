// A stand-in for a ZTM agent's local API that answers as the real agent was recorded to
// (test/fixtures/ztm-agent/README.md): the recorded bodies, statuses and failure modes, nothing else.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import mesh from "../../fixtures/ztm-agent/mesh.json";
import endpoints from "../../fixtures/ztm-agent/endpoints.json";
import malformedUuid from "../../fixtures/ztm-agent/error-malformed-uuid.json";
import invalidTarget from "../../fixtures/ztm-agent/error-invalid-target.json";
import stuckListen from "../../fixtures/ztm-agent/error-stuck-listen.json";

type Json = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface FakeAgent {
  url: string;
  /** Every call as `METHOD path` with the mesh/app/endpoint prefix shortened. */
  calls: string[];
  /** The endpoint id of this agent (agent A of the recording, unless given). */
  id: string;
  state: {
    connected: boolean;
    /**
     * Whether the hub admitted this agent. One past the hub's --max-agents is never listed by
     * the hub, yet its agent still answers `connected: true` with no error
     * (shared/reference/ztm-real-run-2.md 5a).
     */
    admitted: boolean;
    /** The PEMs `GET /api/meshes/{mesh}` returns as `ca` and `agent.certificate`. */
    ca: string;
    certificate: string;
    outbound: Json[];
    inbound: Json[];
    proxy: Json | undefined;
    /** Ports something else already listens on: a listen there fails (call 25). */
    takenPorts: Set<number>;
    /**
     * The listen error that froze inbound changes, until `restart()` (calls 26-27). A failed
     * listen alone freezes nothing: other inbound tunnels are still saved and opened. Changing or
     * deleting the tunnel whose listen failed freezes the app (shared/reference/ztm-real-run.md F5).
     */
    frozen: string | undefined;
    /** The mesh's error log, as `GET /api/meshes/{mesh}` returns it (agent/mesh.js meshError). */
    errors: { time: string; message: string }[];
  };
  /** The agent restarts with the same data: every saved listen is opened again. */
  restart(): void;
  close(): Promise<void>;
}

export async function fakeAgent(
  self: { id: string; name: string } = mesh.agent,
  options: { extraEndpoints?: { id: string; name: string }[] } = {},
): Promise<FakeAgent> {
  const meshPath = `/api/meshes/${mesh.name}`;
  const state: FakeAgent["state"] = {
    connected: true,
    admitted: true,
    ca: mesh.ca,
    certificate: mesh.agent.certificate,
    outbound: [],
    inbound: [],
    proxy: undefined,
    takenPorts: new Set(),
    frozen: undefined,
    errors: [],
  };
  const calls: string[] = [];
  const failedListen = (tunnel: Json | undefined): string | undefined =>
    ((tunnel?.listens ?? []) as Json[]).find((l) => l.open === false)?.error as string | undefined;
  const everyone = [...endpoints, ...(options.extraEndpoints ?? [])] as Json[];
  // An admitted agent is one of the hub's endpoints, whatever the recording's were.
  if (!everyone.some((ep) => ep.id === self.id)) everyone.push({ ...self });
  // The hub's listEndpoints (ztm v1.0.4 hub/main.js:1609), which the agent's
  // GET /api/meshes/{mesh}/endpoints passes through (agent/main.js:304): `id` or `name` matches
  // either field, and a page is `limit` (default 100) from `offset` (default 0).
  const listEndpoints = (q: URLSearchParams): Json[] => {
    const id = q.get("id");
    const name = q.get("name");
    const limit = Number.parseInt(q.get("limit") ?? "") || 100;
    const offset = Number.parseInt(q.get("offset") ?? "") || 0;
    return everyone
      .filter((ep) => state.admitted || ep.id !== self.id)
      .filter((ep) => (!id && !name) || ep.id === id || ep.name === name)
      .filter((_, i) => offset <= i && i < offset + limit);
  };
  const open = (l: Json): Json => {
    const port = Number(l.port);
    if (state.takenPorts.has(port))
      return {
        ip: l.ip,
        port,
        open: false,
        error: `unable to listen on [${String(l.ip)}]:${port}`,
      };
    return { ip: l.ip, port, open: true };
  };
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const url = req.url ?? "";
      calls.push(
        `${req.method} ${url
          .replace(`${meshPath}/apps/ztm/`, "")
          .replace(`/api/endpoints/${self.id}`, "")}`,
      );
      const send = (status: number, json?: unknown): void => {
        if (json === undefined) res.writeHead(status).end();
        else
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      };
      if (req.method === "GET" && url.startsWith("/api/meshes/") && url.split("/").length === 4) {
        if (url !== meshPath) return send(404);
        return send(200, {
          ...mesh,
          ca: state.ca,
          agent: { ...mesh.agent, ...self, certificate: state.certificate },
          connected: state.connected,
          errors: state.errors,
        });
      }
      if (req.method === "GET" && url.split("?")[0] === `${meshPath}/endpoints`)
        return send(200, listEndpoints(new URL(url, "http://agent").searchParams));
      const tunnel = new RegExp(
        `^${meshPath}/apps/ztm/tunnel/api/endpoints/${self.id}/(inbound|outbound)(?:/(tcp|udp)/([^/]+))?$`,
      ).exec(url);
      if (tunnel) {
        const side = tunnel[1] as "inbound" | "outbound";
        const list = state[side];
        if (!tunnel[2] && req.method === "GET") return send(200, list);
        const i = list.findIndex((e) => e.protocol === tunnel[2] && e.name === tunnel[3]);
        if (req.method === "GET") return i >= 0 ? send(200, list[i]) : send(404);
        if (req.method === "POST") {
          const body = JSON.parse(text) as Json;
          const ids = (side === "outbound" ? body.entrances : body.exits) as string[] | undefined;
          const bad = (ids ?? []).find((x) => !UUID.test(x));
          if (bad) return send(500, { ...malformedUuid, message: `malformed UUID '${bad}'` });
          if (side === "outbound") {
            const targets = (body.targets ?? []) as unknown[];
            if (targets.some((t) => typeof t !== "object" || t === null))
              return send(500, invalidTarget);
            const entry = {
              protocol: tunnel[2],
              name: tunnel[3],
              targets,
              entrances: body.entrances ?? [],
              users: body.users ?? [],
            };
            if (i >= 0) list[i] = entry;
            else list.push(entry);
            return send(201);
          }
          // The config is saved before it is applied, so a frozen app still saves, then answers 500.
          const failedBefore = i >= 0 ? failedListen(list[i]) : undefined;
          const entry = {
            listens: ((body.listens ?? []) as Json[]).map(open),
            protocol: tunnel[2],
            name: tunnel[3],
            exits: body.exits ?? [],
          };
          if (i >= 0) list[i] = entry;
          else list.push(entry);
          state.frozen ??= failedBefore;
          return state.frozen ? send(500, { ...stuckListen, message: state.frozen }) : send(201);
        }
        if (req.method === "DELETE") {
          if (side === "inbound" && i >= 0) state.frozen ??= failedListen(list[i]);
          if (i >= 0) list.splice(i, 1);
          if (side === "inbound" && state.frozen)
            return send(500, { ...stuckListen, message: state.frozen });
          return send(204);
        }
      }
      if (url === `${meshPath}/apps/ztm/proxy/api/endpoints/${self.id}/config`) {
        if (req.method === "GET") return send(200, state.proxy ?? {});
        state.proxy = JSON.parse(text) as Json;
        return send(201);
      }
      return send(404);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    calls,
    id: self.id,
    state,
    restart() {
      state.frozen = undefined;
      for (const e of state.inbound) e.listens = (e.listens as Json[]).map(open);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
