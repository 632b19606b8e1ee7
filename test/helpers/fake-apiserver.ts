import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";

/** What the fake answers for one request: a status and a body, or `hang` to never answer. */
export type Answer = { status?: number; body: string } | "hang";

export interface FakeApiServer {
  url: string;
  /** Every request path with its query, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An API server stand-in on 127.0.0.1 that answers each GET with what `answer` returns; a
 * hanging answer keeps the connection open until the server closes.
 */
export async function fakeApiServer(answer: (url: URL) => Answer): Promise<FakeApiServer> {
  const requests: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(`${url.pathname}${url.search}`);
    const a = answer(url);
    if (a === "hang") {
      hanging.add(res);
      return;
    }
    res.writeHead(a.status ?? 200, { "content-type": "application/json" });
    res.end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig for `server` with a bearer token, written to a fresh temporary file. */
export function kubeconfigFor(server: string, token: string, extra = ""): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: fake",
      "  cluster:",
      `    server: ${server}`,
      "    insecure-skip-tls-verify: true",
      "users:",
      "- name: tenant",
      "  user:",
      `    token: ${token}`,
      "contexts:",
      "- name: fake",
      "  context: {cluster: fake, user: tenant}",
      "current-context: fake",
      extra,
    ].join("\n"),
  );
  return file;
}
