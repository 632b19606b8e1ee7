/**
 * One GET to the API server with a deadline: the kubeconfig's TLS and credentials are applied by
 * the Kubernetes JavaScript client, the request itself is Node's, so that a server that accepts
 * the connection and never answers is given up on (kubectl's --request-timeout), and an answer
 * that is not JSON is refused, not judged.
 */
import * as http from "node:http";
import * as https from "node:https";
import type * as K8s from "@kubernetes/client-node";
import { printable } from "../base/printable";
import { MAX_INPUT_BYTES, UsageError } from "../reader/input";

export interface Endpoint {
  config: K8s.KubeConfig;
  /** `cluster:<context>`, the name errors and verdicts carry. */
  source: string;
  timeoutMs: number;
}

/** kubectl's --request-timeout spellings: a bare number of seconds, or a number with ms, s, m, h. */
export function parseTimeout(value: string, flag = "--request-timeout"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = m ? Number(m[1]) * scale[(m[2] ?? "s") as keyof typeof scale] : NaN;
  if (!(ms > 0))
    throw new UsageError([
      `${flag}: must be a positive duration such as 30s, 2m or 500ms (got ${JSON.stringify(value)})`,
    ]);
  return ms;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The server as messages show it: scheme, host, port and path, never the user and password a URL
 * may carry, nor its query or fragment.
 */
export function shownServer(server: string): string {
  try {
    const u = new URL(server);
    return printable(`${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`, 200);
  } catch {
    return "(the kubeconfig's server, which is not a URL)";
  }
}

/**
 * Why the request could not be prepared. An exec or auth plugin's failure is named without a word
 * of what it said: its stderr and stdout may hold the token itself (and JSON.parse quotes what it
 * read). Anything else is the Kubernetes client's own words about the kubeconfig (an http server
 * without insecure-skip-tls-verify, a missing certificate file), which quote no credential.
 */
export function preparationFailure(e: unknown, plugin: boolean): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const coded = typeof code === "string" && /^E[A-Z]+$/.test(code) ? ` (${code})` : "";
  if (plugin)
    return `cannot get the credentials${coded}: the kubeconfig's exec or auth plugin failed or gave no credential (its output is not shown: it may hold a secret); run it yourself to see why`;
  return `cannot prepare the request (${printable((e as Error).message.split("\n")[0] ?? "", 300)})`;
}

/** What a request may spend: `remainingMs` caps the deadline, `addBytes` counts the answer. */
export interface RequestBudget {
  remainingMs(): number;
  addBytes(n: number): void;
}

export async function getJson(
  endpoint: Endpoint,
  path: string,
  what: string,
  budget?: RequestBudget,
): Promise<unknown> {
  const { config, source } = endpoint;
  const timeoutMs = Math.min(endpoint.timeoutMs, budget?.remainingMs() ?? Infinity);
  const server = config.getCurrentCluster()?.server ?? "";
  const shown = shownServer(server);
  const options: https.RequestOptions = { method: "GET", headers: { accept: "application/json" } };
  try {
    await config.applyToHTTPSOptions(options);
  } catch (e) {
    const user = config.getCurrentUser();
    throw new UsageError([
      `${source}: ${preparationFailure(e, Boolean(user?.exec || user?.authProvider))}`,
    ]);
  }
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new UsageError([`${source}: the kubeconfig's server is not a URL`]);
  }
  const url = new URL(`${base.origin}${base.pathname.replace(/\/$/, "")}${path}`);
  const transport = url.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const fail = (line: string) => reject(new UsageError([`${source}: ${line}`]));
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        try {
          budget?.addBytes(c.length);
        } catch (e) {
          req.destroy();
          clearTimeout(deadline);
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (size > MAX_INPUT_BYTES) {
          req.destroy();
          fail(`${what}: the answer is larger than ${MAX_INPUT_BYTES / 1048576} MiB`);
        } else chunks.push(c);
      });
      res.on("error", (e) => fail(`${what}: ${e.message}`));
      res.on("end", () => {
        clearTimeout(deadline);
        const body = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          const message = (parsed as { message?: unknown } | undefined)?.message;
          fail(
            `${what}: HTTP ${status}${typeof message === "string" ? ` ${printable(message, 300)}` : ""}`,
          );
        } else if (parsed === undefined) fail(`${what}: the answer is not JSON`);
        else resolve(parsed);
      });
    });
    // One deadline for the whole exchange: connect, headers and body.
    const deadline = setTimeout(() => {
      req.destroy();
      fail(
        `${what}: no answer from ${shown} within ${seconds(timeoutMs)} (${timeoutMs < endpoint.timeoutMs ? "--scan-timeout" : "--request-timeout"} sets the limit)`,
      );
    }, timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      fail(`${what}: cannot reach ${shown} (${e.code ?? printable(e.message, 200)})`);
    });
    req.end();
  });
}
