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

import type * as Fs from "node:fs";
import type * as Http from "node:http";

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
 * One reconciliation pass, then (unless `once`) one every `intervalMs`. Exits non-zero only on
 * a bad state file. Reads: ZTM_AGENT (host:port), ZTM_DESIRED (file), ZTM_ONCE, ZTM_INTERVAL_MS.
 */
export function reconcilerMain(req: NodeRequire): void {
  const http = req("node:http") as typeof Http;
  const fs = req("node:fs") as typeof Fs;
  const agent = process.env.ZTM_AGENT ?? "127.0.0.1:7777";
  const [host, port] = agent.split(":");
  const once = process.env.ZTM_ONCE === "1";
  const interval = Number(process.env.ZTM_INTERVAL_MS ?? 30000);
  const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);

  function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const r = http.request(
        {
          host,
          port: Number(port),
          method,
          path,
          headers: data
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) }
            : {},
          timeout: 10000,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => {
            let json: unknown = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              json = text;
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      r.on("error", reject);
      r.on("timeout", () => r.destroy(new Error(`${method} ${path}: timed out`)));
      if (data) r.write(data);
      r.end();
    });
  }

  async function must(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await call(method, path, body);
    if (res.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  // Canonical JSON (sorted keys), so that equal settings compare equal whatever the key order.
  function canon(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
    if (v && typeof v === "object") {
      return `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
        .join(",")}}`;
    }
    return JSON.stringify(v);
  }

  function pick(entry: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = entry[k] ?? [];
    return out;
  }

  async function pass(desired: DesiredState): Promise<number> {
    const mesh = (await must("GET", `/api/meshes/${encodeURIComponent(desired.mesh)}`)) as {
      connected?: boolean;
      agent?: { id?: string };
    };
    if (!mesh.connected || !mesh.agent?.id)
      throw new Error(`mesh ${desired.mesh} is not connected yet`);
    const ep = mesh.agent.id;
    const app = (name: string) =>
      `/api/meshes/${encodeURIComponent(desired.mesh)}/apps/ztm/${name}/api/endpoints/${ep}`;
    let changes = 0;
    for (const side of ["outbound", "inbound"] as const) {
      const fields = side === "outbound" ? ["targets", "entrances", "users"] : ["listens", "exits"];
      const current = ((await must("GET", `${app("tunnel")}/${side}`)) ?? []) as Record<
        string,
        unknown
      >[];
      const wanted = desired[side] as unknown as Record<string, unknown>[];
      for (const w of wanted) {
        const have = current.find((c) => c.protocol === w.protocol && c.name === w.name);
        if (have && canon(pick(have, fields)) === canon(pick(w, fields))) continue;
        await must(
          "POST",
          `${app("tunnel")}/${side}/${String(w.protocol)}/${String(w.name)}`,
          pick(w, fields),
        );
        log(`${have ? "updated" : "opened"} ${side} ${String(w.protocol)}/${String(w.name)}`);
        changes += 1;
      }
      for (const c of current) {
        if (wanted.some((w) => w.protocol === c.protocol && w.name === c.name)) continue;
        await must("DELETE", `${app("tunnel")}/${side}/${String(c.protocol)}/${String(c.name)}`);
        log(`closed ${side} ${String(c.protocol)}/${String(c.name)}`);
        changes += 1;
      }
    }
    const empty = { listen: "", targets: [], exclusions: [], rules: [] };
    const wantedProxy = desired.proxy ?? empty;
    const proxyFields = ["listen", "targets", "exclusions", "rules"];
    const currentProxy = ((await call("GET", `${app("proxy")}/config`)).json ?? {}) as Record<
      string,
      unknown
    >;
    const norm = (p: Record<string, unknown>) => ({
      ...pick(p, proxyFields),
      listen: p.listen ?? "",
    });
    if (canon(norm(currentProxy)) !== canon(norm(wantedProxy))) {
      await must("POST", `${app("proxy")}/config`, { ...currentProxy, ...wantedProxy });
      log(desired.proxy ? "configured proxy" : "cleared proxy");
      changes += 1;
    }
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
    for (;;) {
      try {
        const changes = await pass(desired);
        log(changes === 0 ? "in sync" : `applied ${changes} change(s)`);
        if (once) return;
      } catch (e) {
        log(`not yet: ${(e as Error).message}`);
        if (once) process.exit(1);
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }
  void run();
}

/** The script the reconciler container runs (`node /etc/ztm-reconciler/reconcile.js`). */
export function reconcilerScript(): string {
  return `"use strict";\n// Rendered by zeroport: reconciles ZTM tunnels and proxy with the declared state.\n(${reconcilerMain.toString()})(require);\n`;
}
