// `zeroport scan --cluster` against an API server stand-in: pages past the first, owners that hide
// nothing unless judged, a server that never answers, answers that are not lists, and kubeconfigs
// that are broken or empty, none of which may leak a credential or end in exit 3.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { listPath, PAGE_SIZE } from "../../cli/cluster-scan";
import { judgedThroughOwner, madeFromTemplate, nodeExposure } from "../../cli/owned-objects";
import { parseTimeout } from "../../kube-client/kube-get";
import { kubeconfigFiles, safeReason } from "../../kube-client/kubeconfig";
import { fakeApiServer, kubeconfigFor, type Answer } from "../helpers/fake-apiserver";
import { tempFile } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "zeroport.js");
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLWJvZHk.c2lnbmF0dXJlLWJ5dGVz";

/** Runs the compiled CLI in a child, so the fake server in this process keeps answering. */
function zeroport(env: NodeJS.ProcessEnv, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) => {
    const start = Date.now();
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH, HOME: "/nonexistent", ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - start });
      },
    );
  });
}

const list = (items: unknown[], next?: string): Answer => ({
  body: JSON.stringify({ kind: "List", metadata: next ? { continue: next } : {}, items }),
});

const svc = (name: string, type = "ClusterIP") => ({
  metadata: { name, namespace: "shop", uid: `svc-${name}` },
  spec: { type, ports: [{ port: 80, ...(type === "NodePort" ? { nodePort: 30080 } : {}) }] },
});

const hostPortSpec = {
  containers: [{ name: "c", image: "x:1", ports: [{ containerPort: 80, hostPort: 80 }] }],
};
const API_VERSION: Record<string, string> = {
  Deployment: "apps/v1",
  ReplicaSet: "apps/v1",
  DaemonSet: "apps/v1",
  Pod: "v1",
  Service: "v1",
  ConfigMap: "v1",
  Rollout: "argoproj.io/v1alpha1",
};
/** A live object; `owner` is `Kind/uid`, written as a controller reference. */
const owned = (
  kind: string,
  name: string,
  uid: string,
  owner?: string,
  spec: Record<string, unknown> = hostPortSpec,
) => {
  const [ownerKind = "", ownerUid = ""] = owner?.split("/") ?? [];
  return {
    kind,
    apiVersion: API_VERSION[kind],
    metadata: {
      name,
      namespace: "shop",
      uid,
      ...(owner
        ? {
            ownerReferences: [
              {
                uid: ownerUid,
                controller: true,
                kind: ownerKind,
                name: "x",
                apiVersion: API_VERSION[ownerKind] ?? "v1",
              },
            ],
          }
        : {}),
    },
    spec: kind === "Pod" ? spec : { selector: {}, template: { spec } },
  };
};
/** The `Kind/name` of every object the JSON report has a verdict for, once each, sorted. */
const judgedKinds = (stdout: string) =>
  [
    ...new Set(
      (JSON.parse(stdout) as { kind: string; name: string }[]).map((v) => `${v.kind}/${v.name}`),
    ),
  ].sort();

const hostNetworkSpec = { hostNetwork: true, containers: [{ name: "agent", image: "x:1" }] };

describe("pure parts", () => {
  test("list paths for core and grouped kinds, cluster-wide and namespaced", () => {
    expect(listPath("v1", "Service")).toBe("/api/v1/services");
    expect(listPath("apps/v1", "ReplicaSet", "shop")).toBe(
      "/apis/apps/v1/namespaces/shop/replicasets",
    );
    expect(listPath("batch/v1", "CronJob")).toBe("/apis/batch/v1/cronjobs");
  });

  test("an owner hides an object only when its controller makes that kind and its template would make it", () => {
    const deploy = owned("Deployment", "web", "d1");
    const rs = owned("ReplicaSet", "web-1", "r1", "Deployment/d1");
    const pod = owned("Pod", "web-1-a", "p1", "ReplicaSet/r1");
    const byConfigMap = owned("Pod", "cm-owned", "p2", "ConfigMap/configmap-uid");
    const byRollout = owned("ReplicaSet", "rollout-1", "r2", "Rollout/argo-rollout-uid");
    // What a tenant writes to hide (issue 27): a clean Service as the controller of a hostNetwork
    // Deployment and of a Pod; a Pod under the right ReplicaSet that opens a port its template lacks.
    const clean = owned("Service", "clean", "s1");
    const hiddenDeploy = owned("Deployment", "agent", "d2", "Service/s1", hostNetworkSpec);
    const hiddenPod = owned("Pod", "agent-pod", "p3", "Service/s1", hostNetworkSpec);
    const extraPort = owned("Pod", "web-1-b", "p4", "ReplicaSet/r1", {
      containers: [{ name: "c", image: "x:1", ports: [{ containerPort: 22, hostPort: 2222 }] }],
    });
    const netPod = owned("Pod", "web-1-c", "p5", "ReplicaSet/r1", hostNetworkSpec);
    // The owner's kind must be what the reference says: a Deployment named as a ReplicaSet.
    const liar = owned("Pod", "liar", "p6", "ReplicaSet/d1");
    const covered = judgedThroughOwner([
      deploy,
      rs,
      pod,
      byConfigMap,
      byRollout,
      clean,
      hiddenDeploy,
      hiddenPod,
      extraPort,
      netPod,
      liar,
    ]);
    expect([...covered].map((o) => o.metadata?.name)).toEqual(["web-1", "web-1-a"]);
  });

  test("the template makes the pod when the pod exposes nothing more: hostNetwork ports defaulted", () => {
    const template = {
      hostNetwork: true,
      containers: [{ name: "a", ports: [{ containerPort: 9100 }] }],
    };
    const live = {
      hostNetwork: true,
      containers: [
        { name: "a", ports: [{ containerPort: 9100, hostPort: 9100, protocol: "TCP" }] },
      ],
    };
    const ds = owned("DaemonSet", "ne", "ds1", undefined, template);
    const pod = owned("Pod", "ne-x", "p1", "DaemonSet/ds1", live);
    expect(madeFromTemplate(pod, ds)).toBe(true);
    expect(madeFromTemplate(ds, pod)).toBe(true);
    const udp = owned("Pod", "ne-y", "p2", "DaemonSet/ds1", {
      ...live,
      containers: [{ name: "a", ports: [{ containerPort: 9100, protocol: "UDP" }] }],
    });
    expect(madeFromTemplate(udp, ds)).toBe(false);
    expect(nodeExposure(owned("Pod", "n", "p3", undefined, { containers: [null] }))).toEqual({
      hostNetwork: false,
      ports: new Set(),
    });
  });

  test("--request-timeout takes kubectl's spellings and refuses zero", () => {
    expect([
      parseTimeout("30s"),
      parseTimeout("2m"),
      parseTimeout("500ms"),
      parseTimeout("5"),
    ]).toEqual([30_000, 120_000, 500, 5000]);
    for (const bad of ["0", "0s", "-1s", "soon", ""])
      expect(() => parseTimeout(bad)).toThrow(/--request-timeout/);
  });

  test("kubeconfig files in kubectl's order", () => {
    expect(kubeconfigFiles("/a", "/b:/c")).toEqual(["/a"]);
    expect(kubeconfigFiles(undefined, "/b::/c")).toEqual(["/b", "/c"]);
    expect(kubeconfigFiles(undefined, "", "/nonexistent")).toEqual([]);
  });

  test("a reason never carries text of the file it is about", () => {
    const text = `users:\n- user:\n    token: ${TOKEN}\n`;
    expect(safeReason(new Error(`unexpected value ${TOKEN} here`), text)).toBe(
      "unexpected value […] here",
    );
  });
});

describe("scan --cluster against a stand-in API server", () => {
  let routes: Record<string, (url: URL) => Answer> = {};
  let server: Awaited<ReturnType<typeof fakeApiServer>>;
  let kubeconfig: string;

  beforeEach(async () => {
    routes = {};
    server = await fakeApiServer((url) => (routes[url.pathname] ?? (() => list([])))(url));
    kubeconfig = kubeconfigFor(server.url, TOKEN);
  });
  afterEach(() => server.close());
  const scanCluster = (...flags: string[]) =>
    zeroport({}, "scan", "--cluster", "--kubeconfig", kubeconfig, ...flags);
  const scanJson = () => scanCluster("--format", "json");

  test(`reads every page of ${PAGE_SIZE}: a NodePort on the third page is found`, async () => {
    const services = Array.from({ length: 1201 }, (_, i) =>
      svc(`s${i}`, i === 1200 ? "NodePort" : "ClusterIP"),
    );
    routes["/api/v1/services"] = (url) => {
      const from = Number(url.searchParams.get("continue") ?? "0");
      const limit = Number(url.searchParams.get("limit"));
      const next = from + limit < services.length ? String(from + limit) : undefined;
      return list(services.slice(from, from + limit), next);
    };
    const r = await scanJson();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const verdicts = JSON.parse(r.stdout) as { policy: string; name: string }[];
    expect(verdicts.filter((v) => v.policy === "no-nodeport-services").map((v) => v.name)).toEqual([
      "s1200",
    ]);
    expect(server.requests.filter((q) => q.startsWith("/api/v1/services"))).toEqual([
      "/api/v1/services?limit=500",
      "/api/v1/services?limit=500&continue=500",
      "/api/v1/services?limit=500&continue=1000",
    ]);
  });

  test("pods owned by a ConfigMap, an unknown uid or an Argo Rollout are judged; a Deployment's are not", async () => {
    routes["/apis/apps/v1/deployments"] = () => list([owned("Deployment", "web", "d1")]);
    routes["/apis/apps/v1/replicasets"] = () =>
      list([
        owned("ReplicaSet", "web-1", "r1", "Deployment/d1"),
        owned("ReplicaSet", "rollout-1", "r2", "Rollout/rollout-uid"),
      ]);
    routes["/api/v1/pods"] = () =>
      list([
        owned("Pod", "web-1-a", "p1", "ReplicaSet/r1"),
        owned("Pod", "cm-owned", "p2", "ConfigMap/cm-uid"),
      ]);
    const r = await scanJson();
    expect(r.code).toBe(1);
    expect(judgedKinds(r.stdout)).toEqual([
      "Deployment/web",
      "Pod/cm-owned",
      "ReplicaSet/rollout-1",
    ]);
  });

  test("objects that name a clean Service as controller are judged (issue 27)", async () => {
    routes["/api/v1/services"] = () => list([owned("Service", "clean", "s1")]);
    routes["/apis/apps/v1/deployments"] = () =>
      list([owned("Deployment", "agent", "d2", "Service/s1", hostNetworkSpec)]);
    routes["/apis/apps/v1/daemonsets"] = () =>
      list([owned("DaemonSet", "node-agent", "ds2", "Service/s1", hostNetworkSpec)]);
    routes["/api/v1/pods"] = () =>
      list([owned("Pod", "shell", "p3", "Service/s1", hostNetworkSpec)]);
    const r = await scanJson();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(judgedKinds(r.stdout)).toEqual([
      "DaemonSet/node-agent",
      "Deployment/agent",
      "Pod/shell",
    ]);
  });

  test("a Pod with `containers: [null]` is judged, never exit 3", async () => {
    routes["/api/v1/pods"] = () =>
      list([
        { metadata: { name: "odd", namespace: "shop" }, spec: { containers: [null] } },
        {
          metadata: { name: "odd-net", namespace: "shop" },
          spec: { hostNetwork: true, containers: [null, { name: "c", ports: [null] }] },
        },
      ]);
    const r = await scanJson();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const verdicts = JSON.parse(r.stdout) as { policy: string; name: string }[];
    expect(verdicts.map((v) => `${v.policy} ${v.name}`)).toEqual(["host-network-pods odd-net"]);
  });

  test("alternating continue tokens (a, b, a) end the scan: exit 2", async () => {
    routes["/api/v1/services"] = (url) =>
      list([], url.searchParams.get("continue") === "a" ? "b" : "a");
    const r = await scanJson();
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(
      "zeroport: cluster:fake: GET /api/v1/services: the server repeats a page (a continue token came back); the scan is incomplete\n",
    );
    expect(server.requests.length).toBe(3);
  });

  test("ever-new continue tokens end at the page bound: exit 2, a bounded number of requests", async () => {
    let n = 0;
    routes["/api/v1/services"] = () => list([], `t${(n += 1)}`);
    // The defaults: 200,000 objects in pages of 500 make 400 pages; 4x that and 4 a list for
    // short pages: 1640, a few seconds on loopback (the old scan sent 77,000 requests in 120 s).
    const r = await scanJson();
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(
      "zeroport: cluster:fake: the server sent more than 1640 pages for 0 objects: it does not stop paging; the scan is incomplete\n",
    );
    expect(server.requests.length).toBe(1641);
  });

  test("endless fat pages end at --max-bytes for the whole scan, not per answer: exit 2", async () => {
    const fat = "x".repeat(1024 * 1024);
    let n = 0;
    routes["/api/v1/services"] = () =>
      list(
        [{ metadata: { name: `s${n}`, namespace: "shop", annotations: { fat } } }],
        `t${(n += 1)}`,
      );
    const r = await scanCluster("--max-bytes", "8Mi");
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(
      "zeroport: cluster:fake: the answers add up to more than 8 MiB (--max-bytes sets the limit; --namespace scans less); the scan is incomplete\n",
    );
    expect(server.requests.length).toBeLessThanOrEqual(9);
  });

  test("more objects than --max-objects end the scan: exit 2", async () => {
    routes["/api/v1/services"] = () => list(Array.from({ length: 30 }, (_, i) => svc(`s${i}`)));
    const r = await scanCluster("--max-objects", "20");
    expect([r.code, r.stderr]).toEqual([
      2,
      "zeroport: cluster:fake: more than 20 objects (--max-objects sets the limit; --namespace scans less); the scan is incomplete\n",
    ]);
  });

  test("the whole scan is bounded by --scan-timeout, whatever the per-request bound", async () => {
    routes["/api/v1/services"] = () => "hang";
    const r = await scanCluster("--scan-timeout", "500ms");
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(
      /^zeroport: cluster:fake: listing Services: no answer from http:\/\/127\.0\.0\.1:\d+ within \d+ms \(--scan-timeout sets the limit\)\n$/,
    );
    expect(r.ms).toBeLessThan(5000);
  });

  test.each([
    ["--max-bytes", "lots", /^zeroport: --max-bytes: must be a positive size/],
    ["--max-objects", "0", /^zeroport: --max-objects: must be a positive whole number/],
    ["--scan-timeout", "never", /^zeroport: --scan-timeout: must be a positive duration/],
  ])("%s %s is a usage error", async (flag, value, message) => {
    const r = await scanCluster(flag, value);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("a server that never answers is given up on at --request-timeout: exit 2, never a hang", async () => {
    routes["/api/v1/services"] = () => "hang";
    const r = await scanCluster("--request-timeout", "400ms");
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(
      `zeroport: cluster:fake: listing Services: no answer from ${server.url} within 400ms (--request-timeout sets the limit)\n`,
    );
    expect(r.ms).toBeLessThan(5000);
  });

  test.each<[string, string, string]>([
    [
      "items that are not a list",
      JSON.stringify({ items: "pods" }),
      "not a Service list (`items` is no list)",
    ],
    [
      "null in items",
      JSON.stringify({ items: [null] }),
      "not a Service list (items[0] is not an object with metadata)",
    ],
    ["an array", "[]", "not a Service list (not an object)"],
  ])("an answer with %s is exit 2 naming the cause", async (_, body, cause) => {
    routes["/api/v1/services"] = () => ({ body });
    const r = await scanCluster();
    expect([r.code, r.stderr]).toEqual([
      2,
      `zeroport: cluster:fake: GET /api/v1/services: ${cause}\n`,
    ]);
  });

  test("an answer that is not JSON, a repeated page and a 403 are exit 2 with their cause", async () => {
    routes["/api/v1/services"] = () => ({ body: "<html>proxy login</html>" });
    let r = await scanCluster();
    expect([r.code, r.stderr]).toEqual([
      2,
      "zeroport: cluster:fake: listing Services: the answer is not JSON\n",
    ]);
    routes["/api/v1/services"] = () => list([], "same");
    r = await scanCluster();
    expect([r.code, r.stderr]).toEqual([
      2,
      "zeroport: cluster:fake: GET /api/v1/services: the server repeats a page (a continue token came back); the scan is incomplete\n",
    ]);
    routes["/api/v1/services"] = () => ({
      status: 403,
      body: JSON.stringify({ message: "services is forbidden\nzeroport: all clear" }),
    });
    r = await scanCluster();
    expect([r.code, r.stderr]).toEqual([
      2,
      "zeroport: cluster:fake: listing Services: HTTP 403 services is forbidden\\u{a}zeroport: all clear\n",
    ]);
  });

  test("a password in the server URL is never printed", async () => {
    await server.close();
    const withPassword = server.url.replace("http://", "http://admin:hunter2-secret@");
    const r = await zeroport(
      {},
      "scan",
      "--cluster",
      "--kubeconfig",
      kubeconfigFor(withPassword, TOKEN),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `zeroport: cluster:fake: listing Services: cannot reach ${server.url} (ECONNREFUSED)\n`,
    );
    expect(r.stderr + r.stdout).not.toMatch(/hunter2|admin/);
  });

  test("a failing exec credential plugin's output (a token in it) is never printed", async () => {
    const plugin = tempFile(
      "plugin.sh",
      `#!/bin/sh\necho "token ${TOKEN} was refused" >&2\necho '{"status":{"token":"${TOKEN}"' \nexit 1\n`,
    );
    fs.chmodSync(plugin, 0o755);
    const exec = [
      "- name: exec-user",
      "  user:",
      "    exec:",
      "      apiVersion: client.authentication.k8s.io/v1",
      `      command: ${plugin}`,
      "      interactiveMode: Never",
    ].join("\n");
    const config = kubeconfigFor(server.url, TOKEN).replace(
      /^- name: tenant$/m,
      "- name: tenant-unused",
    );
    const file = tempFile(
      "exec-config",
      fs
        .readFileSync(config, "utf8")
        .replace("users:\n", `users:\n${exec}\n`)
        .replace("user: tenant}", "user: exec-user}"),
    );
    for (const exit of ["exit 1", "exit 0"]) {
      fs.writeFileSync(plugin, fs.readFileSync(plugin, "utf8").replace(/exit \d/, exit));
      const r = await zeroport({}, "scan", "--cluster", "--kubeconfig", file);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^zeroport: cluster:fake: cannot get the credentials: /);
      for (const part of TOKEN.split(".")) expect(r.stderr + r.stdout).not.toContain(part);
    }
  });

  test("a server that is down is exit 2 naming it", async () => {
    await server.close();
    const r = await scanCluster();
    expect([r.code, r.stderr]).toEqual([
      2,
      `zeroport: cluster:fake: listing Services: cannot reach ${server.url} (ECONNREFUSED)\n`,
    ]);
  });
});

describe("kubeconfigs that cannot be used: exit 2, the cause named, no credential printed", () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      "a malformed file holding a token",
      () => [
        "--kubeconfig",
        tempFile("config", `users:\n- name: u\n  user:\n    token: ${TOKEN}\n   bad: [\n`),
      ],
      /^zeroport: --cluster: the kubeconfig \S+ is not valid \(YAML syntax error at line \d+, column \d+: [^\n]+\)\n$/,
    ],
    [
      "an empty file",
      () => ["--kubeconfig", tempFile("config", "\n")],
      /^zeroport: --cluster: the kubeconfig \S+ is empty\n$/,
    ],
    [
      "a missing context",
      () => ["--kubeconfig", kubeconfigFor("http://127.0.0.1:9", TOKEN), "--context", "prod"],
      /^zeroport: --context: no context prod in the kubeconfig \S+\n$/,
    ],
    [
      "no current context",
      () => [
        "--kubeconfig",
        tempFile(
          "config",
          `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: ${TOKEN}}\n`,
        ),
      ],
      /^zeroport: --cluster: the kubeconfig \S+ has no current context; pass --context NAME or run kubectl config use-context\n$/,
    ],
    [
      "a missing file",
      () => ["--kubeconfig", "/nonexistent/config"],
      /^zeroport: --cluster: cannot read the kubeconfig \/nonexistent\/config \(ENOENT\)\n$/,
    ],
    [
      "no kubeconfig anywhere",
      () => [],
      /^zeroport: --cluster: no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create ~\/.kube\/config\n$/,
    ],
  ];
  test.each(cases)("%s", async (_, args, message) => {
    const r = await zeroport({}, "scan", "--cluster", ...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    for (const part of TOKEN.split(".")) expect(r.stderr).not.toContain(part);
  });

  test("KUBECONFIG with several files is merged, as kubectl merges it", async () => {
    const server = await fakeApiServer(() => list([]));
    try {
      const first = kubeconfigFor(server.url, TOKEN);
      const second = tempFile("other", "apiVersion: v1\nkind: Config\ncontexts: []\n");
      const r = await zeroport(
        { KUBECONFIG: `${first}${path.delimiter}${second}` },
        "scan",
        "--cluster",
      );
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(fs.existsSync(first)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
