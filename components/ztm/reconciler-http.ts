/**
 * RUNS INSIDE THE AGENT POD (shipped as source text beside `reconcilerMain`): the agent API
 * client. Self-contained, no imports or closures, for the same reason as the reconciler.
 */
import type * as Http from "node:http";

export interface AgentClient {
  call: (
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; json: unknown }>;
  /** As `call`, but any status of 300 or more is an error naming the call and the agent's message. */
  must: (method: string, path: string, body?: unknown) => Promise<unknown>;
}

/** A client of the agent's loopback API at `host:port`, each call bounded by 10 s. */
export function agentClient(http: typeof Http, host: string, port: number): AgentClient {
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
          port,
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
    if (res.status >= 300) {
      const message = (res.json as { message?: string } | null)?.message;
      throw new Error(`${method} ${path}: HTTP ${res.status}${message ? ` ${message}` : ""}`);
    }
    return res.json;
  }
  return { call, must };
}
