/**
 * RUNS INSIDE THE AGENT POD, not in the Pulumi program. Everything from `reconcilerMain` down is
 * shipped as source text into a ConfigMap and executed by `node` in the reconciler container.
 *
 * The reconciler that runs beside a ZTM agent: ZTM keeps tunnels and proxy settings only in the
 * agent's database, behind its local REST API, so this loop makes them match the declared state.
 *
 * `reconcilerMain` is self-contained (no imports, no closures): its source text is shipped into a
 * ConfigMap and run with `node` in the pod, and tests run the same text against a fake agent API.
 */

import type * as Crypto from "node:crypto";
import type * as Fs from "node:fs";
import type * as Http from "node:http";
import { agentClient } from "./reconciler-http";
import { admissionProblem, expiryWarnings, type MeshCertificates } from "./reconciler-checks";

/** What `reconcilerMain` is given beside `require`: the other shipped functions. */
export interface ReconcilerLib {
  agentClient: typeof agentClient;
  admissionProblem: typeof admissionProblem;
  expiryWarnings: typeof expiryWarnings;
}

/** The desired state, as the ConfigMap holds it. */
export interface DesiredState {
  mesh: string;
  outbound: {
    protocol: string;
    name: string;
    targets: { host: string; port: number }[];
    entrances: string[];
    users: string[];
  }[];
  inbound: {
    protocol: string;
    name: string;
    listens: { ip: string; port: number }[];
    exits: string[];
  }[];
  proxy: null | {
    listen: string;
    targets: string[];
    exclusions: string[];
    rules: { users: string[]; groups: string[]; targets: string[]; action: string }[];
  };
}

/**
 * One reconciliation pass, then (unless `once`) one every `intervalMs`, retrying failures sooner
 * with a bounded backoff. Exits non-zero only on a bad state file (or, with `once`, on a failed
 * pass). Reads: ZTM_AGENT (host:port), ZTM_DESIRED (file), ZTM_STUCK_FILE, ZTM_REFUSED_FILE,
 * ZTM_EXPIRY_WARN_DAYS (30), ZTM_ONCE, ZTM_INTERVAL_MS.
 *
 * Before changing anything it asks the hub for its own endpoint: an agent the hub did not admit
 * still says it is connected, so it writes ZTM_REFUSED_FILE (the reconciler's readiness fails)
 * and says why. It logs a warning while a certificate of the agent is near its notAfter.
 *
 * What the real agent does, and this loop relies on (recorded in test/fixtures/ztm-agent):
 * POST answers 201 with an empty body and DELETE 204; GET inbound adds `open` (and `error`) to
 * each listen; `entrances`/`exits` must be endpoint ids; a listen that fails answers 201 and shows
 * only as `open: false` in a later GET, after which the tunnel app answers 500 to every inbound
 * change until the agent restarts. Then this loop writes ZTM_STUCK_FILE, which fails the agent's
 * probes so the kubelet restarts it, and removes it once the listens are open again.
 */
export function reconcilerMain(req: NodeRequire, lib: ReconcilerLib): void {
  const http = req("node:http") as typeof Http;
  const fs = req("node:fs") as typeof Fs;
  const crypto = req("node:crypto") as typeof Crypto;
  const agent = process.env.ZTM_AGENT ?? "127.0.0.1:7777";
  const [host, port] = agent.split(":");
  const once = process.env.ZTM_ONCE === "1";
  const interval = Number(process.env.ZTM_INTERVAL_MS ?? 30000);
  const stuckFile = process.env.ZTM_STUCK_FILE ?? "";
  const refusedFile = process.env.ZTM_REFUSED_FILE ?? "";
  const warnMs = Number(process.env.ZTM_EXPIRY_WARN_DAYS ?? 30) * 86_400_000;
  const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
  type Json = Record<string, unknown>;
  const { call, must } = lib.agentClient(http, host, Number(port));

  // Canonical JSON (sorted keys), so that equal settings compare equal whatever the key order.
  function canon(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
    if (v && typeof v === "object") {
      return `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canon((v as Json)[k])}`)
        .join(",")}}`;
    }
    return JSON.stringify(v);
  }
  const sorted = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : []);
  // What the agent's settings mean, without what it adds (`open`, `error`) or orders freely.
  const listens = (v: unknown) =>
    (Array.isArray(v) ? (v as Json[]) : []).map((l) => ({ ip: l.ip, port: l.port }));
  const settings = {
    outbound: (e: Json) => ({
      targets: e.targets ?? [],
      entrances: sorted(e.entrances),
      users: sorted(e.users),
    }),
    inbound: (e: Json) => ({ listens: listens(e.listens), exits: sorted(e.exits) }),
  };

  // Endpoint names to ids, as the ztm CLI does (ztm v1.0.4 agent/apps/ztm/tunnel/cli.js
  // lookupEndpointIDs): each name is asked for on its own (`?id=X&name=X`, which the hub matches
  // against either field), never read from the unfiltered list, which the agent pages at 100. An
  // id is kept, a name matches every endpoint of that name, and an unknown name is an error.
  async function resolver(mesh: string, wanted: string[]): Promise<(names: string[]) => string[]> {
    const found = new Map<string, { id: string; name: string }[]>();
    for (const name of [...new Set(wanted)]) {
      const q = encodeURIComponent(name);
      const list = (await must("GET", `/api/meshes/${mesh}/endpoints?id=${q}&name=${q}`)) ?? [];
      found.set(name, list as { id: string; name: string }[]);
    }
    return (names) =>
      names.flatMap((name) => {
        const all = found.get(name) ?? [];
        if (all.some((ep) => ep.id === name)) return [name];
        const ids = all.filter((ep) => ep.name === name).map((ep) => ep.id);
        if (ids.length === 0)
          throw new Error(`endpoint ${name} is not in mesh ${decodeURIComponent(mesh)} (yet)`);
        return ids;
      });
  }

  // A marker file the probes read: present (with the reason) while something is wrong.
  function mark(file: string, reason: string | undefined): void {
    if (!file) return;
    if (reason) fs.writeFileSync(file, `${reason}\n`);
    else if (fs.existsSync(file)) fs.unlinkSync(file);
  }
  const markStuck = (reason: string | undefined) => mark(stuckFile, reason);

  // Each expiry warning is logged when it first appears or changes, then once a day.
  let warned = { text: "", at: 0 };
  function warnExpiry(info: MeshCertificates): void {
    const validTo = (pem: string) => new crypto.X509Certificate(pem).validTo;
    const text = lib.expiryWarnings(info, Date.now(), warnMs, validTo).join("; ");
    if (text && (text !== warned.text || Date.now() - warned.at >= 86_400_000)) {
      log(text);
      warned = { text, at: Date.now() };
    }
    if (!text) warned = { text: "", at: 0 };
  }

  function stuckReason(inbound: Json[]): string | undefined {
    const failed = inbound.flatMap((c) =>
      (Array.isArray(c.listens) ? (c.listens as Json[]) : [])
        .filter((l) => l.open === false)
        .map((l) => {
          const why = typeof l.error === "string" ? ` (${l.error})` : "";
          return `${String(c.protocol)}/${String(c.name)} ${String(l.ip)}:${String(l.port)}${why}`;
        }),
    );
    if (failed.length === 0) return undefined;
    // What a real agent does (shared/reference/ztm-real-run.md F5): the failed listen is never
    // retried on its own, and changing or deleting its tunnel freezes every inbound change (500)
    // until a restart; other tunnels are still accepted. So inbound is left alone until then.
    return `the agent's tunnel app has a failed listen: ${failed.join(", ")}; ZTM does not retry it on its own, and changing or deleting that tunnel would make it refuse every inbound change until the agent restarts, so zeroport leaves inbound tunnels alone and the agent's probes fail until a restart (is the port taken?)`;
  }

  async function pass(desired: DesiredState): Promise<number> {
    const mesh = encodeURIComponent(desired.mesh);
    const res = await call("GET", `/api/meshes/${mesh}`);
    if (res.status === 404)
      throw new Error(`the agent has not joined mesh ${desired.mesh} (HTTP 404)`);
    if (res.status >= 300) throw new Error(`GET /api/meshes/${mesh}: HTTP ${res.status}`);
    const info = res.json as MeshCertificates & {
      connected?: boolean;
      agent?: { id?: string; name?: string };
      errors?: { message?: unknown }[];
    };
    warnExpiry(info);
    if (!info.connected || !info.agent?.id) {
      // The agent keeps the mesh's errors (ztm agent/mesh.js meshError): the last one says why.
      const last = Array.isArray(info.errors) ? info.errors[info.errors.length - 1] : undefined;
      const why =
        typeof last?.message === "string" ? ` (the agent says: ${last.message.slice(0, 200)})` : "";
      throw new Error(`mesh ${desired.mesh} is not connected yet${why}`);
    }
    const selfId = encodeURIComponent(info.agent.id);
    const listed = await must("GET", `/api/meshes/${mesh}/endpoints?id=${selfId}&name=${selfId}`);
    const refused = lib.admissionProblem(
      desired.mesh,
      { id: info.agent.id, name: info.agent.name },
      Array.isArray(listed) ? (listed as Json[]) : [],
    );
    mark(refusedFile, refused);
    if (refused) throw new Error(refused);
    const app = (name: string) =>
      `/api/meshes/${mesh}/apps/ztm/${name}/api/endpoints/${info.agent?.id}`;
    const ids = await resolver(mesh, [
      ...desired.outbound.flatMap((t) => t.entrances),
      ...desired.inbound.flatMap((t) => t.exits),
    ]);
    const wanted = {
      outbound: desired.outbound.map((t) => ({ ...t, entrances: ids(t.entrances) })) as Json[],
      inbound: desired.inbound.map((t) => ({ ...t, exits: ids(t.exits) })) as Json[],
    };
    let changes = 0;
    let stuck: string | undefined;
    for (const side of ["outbound", "inbound"] as const) {
      const current = ((await must("GET", `${app("tunnel")}/${side}`)) ?? []) as Json[];
      if (side === "inbound") {
        stuck = stuckReason(current);
        markStuck(stuck);
        if (stuck) continue;
      }
      const key = settings[side];
      for (const w of wanted[side]) {
        const have = current.find((c) => c.protocol === w.protocol && c.name === w.name);
        if (have && canon(key(have)) === canon(key(w))) continue;
        const path = `${app("tunnel")}/${side}/${String(w.protocol)}/${String(w.name)}`;
        await must(
          "POST",
          path,
          side === "outbound"
            ? { targets: w.targets, entrances: w.entrances, users: w.users }
            : { listens: w.listens, exits: w.exits },
        );
        log(`${have ? "updated" : "opened"} ${side} ${String(w.protocol)}/${String(w.name)}`);
        changes += 1;
      }
      for (const c of current) {
        if (wanted[side].some((w) => w.protocol === c.protocol && w.name === c.name)) continue;
        await must("DELETE", `${app("tunnel")}/${side}/${String(c.protocol)}/${String(c.name)}`);
        log(`closed ${side} ${String(c.protocol)}/${String(c.name)}`);
        changes += 1;
      }
      if (side === "inbound" && changes > 0) {
        // A failed listen still answers 201: only a later GET shows it.
        stuck = stuckReason(((await must("GET", `${app("tunnel")}/inbound`)) ?? []) as Json[]);
        markStuck(stuck);
      }
    }
    const proxyFields = ["listen", "targets", "exclusions", "rules"];
    const norm = (p: Json) => {
      const out: Json = {};
      for (const k of proxyFields) out[k] = p[k] ?? (k === "listen" ? "" : []);
      return out;
    };
    const wantedProxy = norm(desired.proxy ?? {});
    // Before any config the agent answers `{}`, which means the same as the cleared config.
    const currentProxy = ((await must("GET", `${app("proxy")}/config`)) ?? {}) as Json;
    if (canon(norm(currentProxy)) !== canon(wantedProxy)) {
      await must("POST", `${app("proxy")}/config`, wantedProxy);
      log(desired.proxy ? "configured proxy" : "cleared proxy");
      changes += 1;
    }
    if (stuck) throw new Error(stuck);
    return changes;
  }

  async function run(): Promise<void> {
    const file = process.env.ZTM_DESIRED ?? "/etc/ztm-desired/desired.json";
    let desired: DesiredState;
    try {
      desired = JSON.parse(fs.readFileSync(file, "utf8")) as DesiredState;
    } catch (e) {
      log(`cannot read the desired state ${file}: ${(e as Error).message}`);
      process.exit(2);
    }
    let failures = 0;
    let lastError = "";
    for (;;) {
      try {
        const changes = await pass(desired);
        if (failures > 0) log(`recovered after ${failures} failed pass(es)`);
        failures = 0;
        lastError = "";
        log(changes === 0 ? "in sync" : `applied ${changes} change(s)`);
        if (once) return;
      } catch (e) {
        failures += 1;
        const message = (e as Error).message;
        // One line per distinct problem, not one per retry.
        if (message !== lastError) log(`not yet: ${message}`);
        lastError = message;
        if (once) process.exit(1);
      }
      // After a failure, retry soon and then less often (1 s, 2 s, 4 s … up to the interval).
      const delay = failures === 0 ? interval : Math.min(interval, 1000 * 2 ** (failures - 1));
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  void run();
}

/** The script the reconciler container runs (`node /etc/ztm-reconciler/reconcile.js`). */
export function reconcilerScript(): string {
  const lib = [agentClient, admissionProblem, expiryWarnings]
    .map((f) => `  ${f.name}: ${f.toString()},`)
    .join("\n");
  return `"use strict";\n// Rendered by zeroport: reconciles ZTM tunnels and proxy with the declared state.\n(${reconcilerMain.toString()})(require, {\n${lib}\n});\n`;
}
