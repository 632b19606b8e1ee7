// End-to-end: the rendered blueprints against a real Kubernetes control plane (kube-apiserver,
// kube-controller-manager, kube-scheduler, etcd) with kwok's fake nodes, built by build-tools.sh.
import * as fs from "node:fs";
import * as path from "node:path";
import { BLUEPRINTS } from "../../stacks";
import { objectsIn, scanObjects } from "../../cli/scan";
import {
  createCluster,
  e2eConfig,
  liveMismatches,
  objectKey as key,
  renderBlueprint,
  renderComponent,
  volumeFor,
  zeroport,
  zeroportWith,
  type Cluster,
} from "./cluster";
import { waitFor, type KubeObject } from "./kube-client";

let cluster: Cluster;
let client: Cluster["client"];
let workdir: string;

beforeAll(() => {
  cluster = createCluster("zeroport-e2e");
  client = cluster.client;
  workdir = cluster.workdir;
}, 600_000);

afterAll(() => cluster?.delete(), 120_000);

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

test("every rendered object's scope is the API server's: namespaced kinds only carry a namespace", async () => {
  const rendered = [
    ...renderComponent("ZeroExposureGuard", {}, workdir),
    ...Object.keys(BLUEPRINTS).flatMap((name) => renderBlueprint(name, workdir)),
  ];
  const wrong: string[] = [];
  for (const m of rendered) {
    const namespaced = await client.namespaced(m);
    if (namespaced !== (m.metadata.namespace !== undefined))
      wrong.push(`${key(m)}: namespaced ${namespaced}, rendered namespace ${m.metadata.namespace}`);
  }
  expect(rendered.length).toBeGreaterThan(50);
  expect(wrong).toEqual([]);
}, 300_000);

describe.each(Object.keys(BLUEPRINTS))("blueprint %s", (name) => {
  let manifests: KubeObject[] = [];

  beforeAll(() => {
    manifests = renderBlueprint(name, workdir);
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
    expect(await liveMismatches(client, manifests)).toEqual([]);
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

  test("zeroport scan --cluster finds it running, with the node ports the API server allocated", async () => {
    const objects = objectsIn(fs.readFileSync(fixture, "utf8"), fixture).map(
      (o) => o.obj as unknown as KubeObject,
    );
    for (const o of objects) await client.apply(o);
    try {
      const r = zeroportWith(
        { KUBECONFIG: cluster.kubeconfig },
        "scan",
        "--cluster",
        "--namespace",
        "default",
        "--format",
        "json",
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(1);
      const verdicts = JSON.parse(r.stdout) as {
        policy: string;
        level: string;
        kind: string;
        name: string;
        message: string;
        file: string;
      }[];
      const mandatory = verdicts.filter((v) => v.level === "mandatory");
      // A live LoadBalancer also names the node ports it was given: one more finding, same rule.
      expect([...new Set(mandatory.map((v) => `${v.policy} ${v.kind}/${v.name}`))].sort()).toEqual([
        "no-host-ports Deployment/host-port-app",
        "no-loadbalancer-node-ports Service/lb-with-node-ports",
        "no-nodeport-services Service/open-nodeport",
      ]);
      // Live Services name the node ports the API server allocated.
      const nodePort = mandatory.find((v) => v.policy === "no-nodeport-services");
      expect(nodePort?.message).toMatch(/node port\(s\) 3\d{4}/);
      expect(nodePort?.file).toMatch(/^cluster:/);
      // Pods and ReplicaSets the Deployment owns are judged through it, not once more.
      expect(verdicts.filter((v) => v.kind === "Pod" || v.kind === "ReplicaSet")).toEqual([]);
    } finally {
      // The next test creates the same fixed node ports (dry run): free them at once.
      for (const o of objects) await client.delete(o, "Background");
    }
  }, 300_000);

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

/** The longest `name` a blueprint's schema accepts (every derived name must still be valid). */
function longestName(blueprint: string): string {
  const schema = BLUEPRINTS[blueprint]?.schema;
  const config = e2eConfig(blueprint) as Record<string, unknown>;
  for (let length = 63; length > 0; length--) {
    const name = "z".repeat(length);
    if (schema?.safeParse({ ...config, name }).success) return name;
  }
  throw new Error(`${blueprint}: no name accepted`);
}

describe.each(Object.keys(BLUEPRINTS))(
  "blueprint %s with the longest name its schema allows",
  (name) => {
    test("every object is accepted by the API server (strict), then deleted", async () => {
      const long = longestName(name);
      const manifests = renderBlueprint(name, workdir, {
        ...(e2eConfig(name) as object),
        name: long,
      });
      process.stdout.write(`note: ${name}: name of ${long.length} characters\n`);
      for (const pvc of manifests.filter((m) => m.kind === "PersistentVolumeClaim"))
        await client.apply(volumeFor(pvc));
      for (const m of manifests) await client.apply(m);
      for (const m of [...manifests].reverse()) await client.delete(m);
      for (const m of manifests)
        await waitFor(`${key(m)} gone`, 180_000, async () =>
          (await client.get(m)) ? "still there" : true,
        );
      for (const pvc of manifests.filter((m) => m.kind === "PersistentVolumeClaim"))
        await client.delete(volumeFor(pvc));
    }, 400_000);
  },
);
