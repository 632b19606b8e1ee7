// End-to-end: the rendered blueprints against a real Kubernetes control plane (kube-apiserver,
// kube-controller-manager, kube-scheduler, etcd) with kwok's fake nodes, built by build-tools.sh.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BLUEPRINTS } from "../../stacks";
import { objectsIn, scanObjects } from "../../cli/scan";
import { KubeClient, waitFor, type KubeObject } from "./kube-client";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(
  process.env.ZEROPORT_TOOLS ?? path.join(os.homedir(), ".cache", "zeroport-e2e"),
  "bin",
);
const CLUSTER = "zeroport-e2e";
const CONTROL_PLANE = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "etcd",
  "kwok",
  "kwokctl",
];

/** What this suite cannot do here, by name and reason; printed, never silent. */
const EXCLUDED = [
  "pulumi preview --policy-pack / pulumi up / pulumi preview --expect-no-changes / pulumi destroy: the Pulumi " +
    "Node.js language host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) and the " +
    "Kubernetes provider (github.com/pulumi/pulumi-kubernetes/provider/v4) have no semver tags, and the Go module " +
    "proxy here answers 403 'This module version is not available' for their pseudo-versions, so neither can be " +
    "built. Stand-ins below: server-side apply of `zeroport render` output with strict field validation, a second " +
    "apply that must change nothing, deletion, and the same policy functions through `zeroport scan`.",
];

const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-e2e-"));
const kubeconfig = path.join(workdir, "kubeconfig");
const env = { ...process.env, KWOK_WORKDIR: workdir };
let client: KubeClient;

function kwokctl(...args: string[]): string {
  return execFileSync(path.join(BIN, "kwokctl"), ["--name", CLUSTER, ...args], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function zeroport(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(ROOT, "bin", "zeroport.js"), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
}

/** Every field of `want` must be in `have` with the same value; returns the mismatching paths. */
function mismatches(have: unknown, want: unknown, at = ""): string[] {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length)
      return [`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
    return want.flatMap((w, i) => mismatches(have[i], w, `${at}[${i}]`));
  }
  if (typeof want === "object" && want !== null) {
    if (typeof have !== "object" || have === null) return [`${at}: missing`];
    return Object.entries(want).flatMap(([k, w]) =>
      mismatches((have as Record<string, unknown>)[k], w, `${at}.${k}`),
    );
  }
  return have === want
    ? []
    : [`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
}

/** A pre-bound PersistentVolume for a claim: kwok nodes have no storage provisioner. */
function volumeFor(pvc: KubeObject): KubeObject {
  const spec = pvc.spec as {
    accessModes: string[];
    resources: { requests: { storage: string } };
    storageClassName?: string;
  };
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `e2e-${pvc.metadata.namespace}-${pvc.metadata.name}` },
    spec: {
      capacity: { storage: spec.resources.requests.storage },
      accessModes: spec.accessModes,
      storageClassName: spec.storageClassName ?? "",
      persistentVolumeReclaimPolicy: "Retain",
      hostPath: { path: `/tmp/zeroport-e2e/${pvc.metadata.name}`, type: "DirectoryOrCreate" },
      claimRef: { namespace: pvc.metadata.namespace, name: pvc.metadata.name },
    },
  };
}

beforeAll(() => {
  for (const line of EXCLUDED) process.stdout.write(`excluded: ${line}\n`);
  const missing = CONTROL_PLANE.filter((b) => !fs.existsSync(path.join(BIN, b)));
  if (missing.length > 0)
    throw new Error(`missing ${missing.join(", ")} in ${BIN}: run test/e2e/build-tools.sh`);
  kwokctl(
    "create",
    "cluster",
    "--runtime",
    "binary",
    "--kubeconfig",
    kubeconfig,
    "--wait",
    "5m",
    "--kube-apiserver-binary",
    path.join(BIN, "kube-apiserver"),
    "--kube-controller-manager-binary",
    path.join(BIN, "kube-controller-manager"),
    "--kube-scheduler-binary",
    path.join(BIN, "kube-scheduler"),
    "--kwok-controller-binary",
    path.join(BIN, "kwok"),
    "--etcd-binary",
    path.join(BIN, "etcd"),
  );
  kwokctl("scale", "node", "--replicas", "2");
  client = new KubeClient(kubeconfig);
}, 600_000);

afterAll(() => {
  client?.close();
  try {
    kwokctl("delete", "cluster");
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}, 120_000);

test("the cluster has two Ready fake nodes", async () => {
  const nodes = await waitFor("two Ready nodes", 120_000, async () => {
    const list = await client.json<{
      items: {
        metadata: { name: string };
        status: { conditions?: { type: string; status: string }[] };
      }[];
    }>("GET", "/api/v1/nodes");
    const ready = list.items.filter((n) =>
      n.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    return ready.length >= 2 ? ready : `${ready.length} Ready`;
  });
  expect(nodes).toHaveLength(2);
});

/** Blueprints that span clusters run here on the one test cluster, with their names kept apart. */
const SINGLE_CLUSTER_CONFIG: Record<
  string,
  { why: string; config: (example: unknown) => unknown }
> = {
  "ztm-cross-cluster": {
    why: "clusters A and B are both the test cluster here, so cluster B's namespace is ztm-b instead of ztm",
    config: (example) => {
      const e = structuredClone(example) as { agentB: { namespace: unknown } };
      e.agentB.namespace = { name: "ztm-b", create: true };
      return e;
    },
  },
};

describe.each(Object.keys(BLUEPRINTS))("blueprint %s", (name) => {
  let manifests: KubeObject[] = [];
  const key = (m: KubeObject) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;

  beforeAll(() => {
    const override = SINGLE_CLUSTER_CONFIG[name];
    const configArgs: string[] = [];
    if (override) {
      process.stdout.write(`note: ${name}: ${override.why}\n`);
      const file = path.join(workdir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(override.config(BLUEPRINTS[name]?.example)));
      configArgs.push("--config", file);
    }
    const r = zeroport("render", name, "--format", "json", ...configArgs);
    if (r.status !== 0) throw new Error(`zeroport render ${name} failed: ${r.stderr}`);
    manifests = JSON.parse(r.stdout) as KubeObject[];
  });

  test("passes the policy pack with no mandatory violation", () => {
    const verdicts = scanObjects(objectsIn(JSON.stringify(manifests), name), {});
    expect(verdicts.filter((v) => v.level === "mandatory")).toEqual([]);
  });

  test("is accepted by the API server with strict field validation", async () => {
    for (const pvc of manifests.filter((m) => m.kind === "PersistentVolumeClaim"))
      await client.apply(volumeFor(pvc));
    for (const m of manifests) await client.apply(m);
  });

  test("the objects in the API server match what zeroport render prints", async () => {
    const problems: string[] = [];
    for (const m of manifests) {
      const live = await client.get(m);
      if (!live) {
        problems.push(`${key(m)}: not found`);
        continue;
      }
      const { stringData, metadata, ...rest } = m as KubeObject & {
        stringData?: Record<string, string>;
      };
      problems.push(
        ...mismatches(
          live,
          { ...rest, metadata: { name: metadata.name, labels: metadata.labels } },
          key(m),
        ),
      );
      if (stringData) {
        expect(Object.keys((live.data as Record<string, string>) ?? {}).sort()).toEqual(
          Object.keys(stringData).sort(),
        );
      }
    }
    expect(problems).toEqual([]);
  });

  test("its workloads become available on the fake nodes (Pod Security admission included)", async () => {
    for (const m of manifests.filter((x) => x.kind === "Deployment" || x.kind === "DaemonSet")) {
      await waitFor(`${key(m)} available`, 180_000, async () => {
        const live = (await client.get(m)) as KubeObject & { status?: Record<string, number> };
        const s = live.status ?? {};
        if (m.kind === "Deployment") {
          const want = (m.spec as { replicas?: number }).replicas ?? 1;
          return (s.availableReplicas ?? 0) === want
            ? true
            : `${s.availableReplicas ?? 0}/${want} available`;
        }
        return (s.desiredNumberScheduled ?? 0) > 0 && s.numberReady === s.desiredNumberScheduled
          ? true
          : `${s.numberReady ?? 0}/${s.desiredNumberScheduled ?? 0} ready`;
      });
    }
    const events = await client.json<{ items: { reason: string; message: string }[] }>(
      "GET",
      "/api/v1/events",
    );
    expect(events.items.filter((e) => e.reason === "FailedCreate").map((e) => e.message)).toEqual(
      [],
    );
  }, 400_000);

  test("a second apply changes nothing", async () => {
    // Controllers may update status in between, so compare everything but status and bookkeeping;
    // an unchanged resourceVersion is the common case and proves it outright.
    const strip = (o: KubeObject | undefined) => {
      const { status: _s, metadata, ...rest } = (o ?? {}) as KubeObject & { status?: unknown };
      const {
        resourceVersion: _v,
        managedFields,
        ...meta
      } = (metadata ?? {}) as Record<string, unknown>;
      // Our own field ownership must not move either; other managers' entries follow status.
      const ours = ((managedFields ?? []) as { manager?: string; time?: string }[])
        .filter((f) => f.manager === "zeroport-e2e")
        .map(({ time: _t, ...f }) => f);
      return { ...rest, metadata: { ...meta, ours } };
    };
    for (const m of manifests) {
      const before = await client.get(m);
      const again = await client.apply(m);
      if (again.metadata.resourceVersion === before?.metadata.resourceVersion) continue;
      expect({ object: key(m), ...strip(again) }).toEqual({ object: key(m), ...strip(before) });
    }
  });

  test("deleting removes every object", async () => {
    for (const m of [...manifests].reverse()) await client.delete(m);
    for (const m of manifests) {
      await waitFor(`${key(m)} gone`, 180_000, async () =>
        (await client.get(m)) ? "still there" : true,
      );
    }
    for (const pvc of manifests.filter((m) => m.kind === "PersistentVolumeClaim"))
      await client.delete(volumeFor(pvc));
  }, 400_000);
});

describe("a deliberately insecure program", () => {
  const fixture = path.join(__dirname, "insecure.yaml");

  test("is valid Kubernetes: the API server would accept it", async () => {
    for (const { obj } of objectsIn(fs.readFileSync(fixture, "utf8"), fixture)) {
      await client.apply(obj as unknown as KubeObject, true);
    }
  });

  test("is blocked by the policy pack, which names each mandatory violation", () => {
    const r = zeroport("scan", "--format", "json", fixture);
    expect(r.status).toBe(1);
    const mandatory = (
      JSON.parse(r.stdout) as { policy: string; level: string; kind: string; name: string }[]
    )
      .filter((v) => v.level === "mandatory")
      .map((v) => `${v.policy} ${v.kind}/${v.name}`);
    expect(mandatory).toEqual([
      "no-nodeport-services Service/open-nodeport",
      "no-loadbalancer-node-ports Service/lb-with-node-ports",
      "no-host-ports Deployment/host-port-app",
    ]);
  });
});
