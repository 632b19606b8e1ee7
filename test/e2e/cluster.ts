// A kwok cluster for one e2e file: the real control plane (kube-apiserver, controller-manager,
// scheduler, etcd) with fake nodes, from the binaries test/e2e/build-tools.sh builds.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BLUEPRINTS } from "../../stacks";
import { GENERATED } from "../../components/core/generated";
import { KubeClient, type KubeObject } from "./kube-client";

export const ROOT = path.join(__dirname, "..", "..");
export const TOOLS =
  process.env.ZEROPORT_TOOLS ?? path.join(os.homedir(), ".cache", "zeroport-e2e");
export const BIN = path.join(TOOLS, "bin");
const CONTROL_PLANE = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "etcd",
  "kwok",
  "kwokctl",
];

export interface Cluster {
  workdir: string;
  kubeconfig: string;
  client: KubeClient;
  /** The API server's audit events so far (with `audit`), one object per line of its log. */
  auditEvents(): Record<string, unknown>[];
  /** Sets the number of fake nodes (a node joining, as an autoscaler or a replacement would). */
  scaleNodes(replicas: number): void;
  delete(): void;
}

/** Creates a kwok cluster named `name` with two fake nodes; throws when a binary is missing. */
export function createCluster(
  name: string,
  extraBinaries: string[] = [],
  options: {
    audit?: boolean;
    /**
     * "service-accounts": kube-controller-manager runs each controller as its own service account
     * in kube-system (--use-service-account-credentials, kubeadm's default); otherwise all of them
     * act as system:kube-controller-manager.
     */
    controllerCredentials?: "service-accounts";
  } = {},
): Cluster {
  const missing = [...CONTROL_PLANE, ...extraBinaries].filter(
    (b) => !fs.existsSync(path.join(BIN, b)),
  );
  if (missing.length > 0)
    throw new Error(`missing ${missing.join(", ")} in ${BIN}: run test/e2e/build-tools.sh`);
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const kubeconfig = path.join(workdir, "kubeconfig");
  const kwokctl = (...args: string[]) =>
    execFileSync(path.join(BIN, "kwokctl"), ["--name", name, ...args], {
      env: { ...process.env, KWOK_WORKDIR: workdir },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  // A cluster left behind by an interrupted run would hold the ports; remove it first.
  spawnSync(path.join(BIN, "kwokctl"), ["--name", name, "delete", "cluster"], {
    env: { ...process.env, KWOK_WORKDIR: workdir },
  });
  // Every component kwokctl starts listens on loopback only (its default is 0.0.0.0).
  const config = path.join(workdir, "kwok.yaml");
  fs.writeFileSync(
    config,
    "apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n  bindAddress: 127.0.0.1\n" +
      (options.controllerCredentials === "service-accounts"
        ? 'componentsPatches:\n- name: kube-controller-manager\n  extraArgs:\n  - key: use-service-account-credentials\n    value: "true"\n'
        : ""),
  );
  // With `audit`, the API server logs request metadata (and admission's audit annotations) for
  // workloads and Services to <workdir>/clusters/<name>/logs/audit.log.
  const audit: string[] = [];
  if (options.audit) {
    const policy = path.join(workdir, "audit-policy.yaml");
    fs.writeFileSync(
      policy,
      [
        "apiVersion: audit.k8s.io/v1",
        "kind: Policy",
        "omitStages: [RequestReceived]",
        "rules:",
        "  - level: Metadata",
        "    resources:",
        '      - { group: "", resources: [services, pods] }',
        "      - { group: apps, resources: [daemonsets, deployments, replicasets] }",
        "  - level: None",
        "",
      ].join("\n"),
    );
    audit.push("--kube-audit-policy", policy);
  }
  kwokctl(
    "--config",
    config,
    "create",
    "cluster",
    ...audit,
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
  const client = new KubeClient(kubeconfig);
  return {
    workdir,
    kubeconfig,
    client,
    auditEvents() {
      const log = path.join(workdir, "clusters", name, "logs", "audit.log");
      if (!fs.existsSync(log)) return [];
      return fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    scaleNodes(replicas: number) {
      kwokctl("scale", "node", "--replicas", String(replicas));
    },
    delete() {
      client.close();
      try {
        kwokctl("delete", "cluster");
      } finally {
        fs.rmSync(workdir, { recursive: true, force: true });
      }
    },
  };
}

export function zeroport(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  return zeroportWith({}, ...args);
}

/** `zeroport` with extra environment variables (KUBECONFIG for `scan --cluster`). */
export function zeroportWith(
  env: Record<string, string>,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(ROOT, "bin", "zeroport.js"), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
}

/** Every field of `want` must be in `have` with the same value; returns the mismatching paths. */
export function mismatches(have: unknown, want: unknown, at = ""): string[] {
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
  // A value the program generates at deploy time (a certificate's digest): any live value.
  return have === want || (want === GENERATED && typeof have === "string")
    ? []
    : [`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
}

/** Where a rendered object differs from its live version (metadata: name and labels only). */
export async function liveMismatches(
  client: KubeClient,
  manifests: KubeObject[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const m of manifests) {
    const live = await client.get(m);
    if (!live) {
      problems.push(`${objectKey(m)}: not found`);
      continue;
    }
    const { stringData, metadata, ...rest } = m as KubeObject & {
      stringData?: Record<string, string>;
    };
    problems.push(
      ...mismatches(
        live,
        { ...rest, metadata: { name: metadata.name, labels: metadata.labels } },
        objectKey(m),
      ),
    );
    const keys = Object.keys((live.data as Record<string, string> | undefined) ?? {}).sort();
    if (stringData && JSON.stringify(keys) !== JSON.stringify(Object.keys(stringData).sort()))
      problems.push(`${objectKey(m)}: data keys ${keys.join(",")}`);
  }
  return problems;
}

export const objectKey = (m: KubeObject) =>
  `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;

/**
 * A pre-bound PersistentVolume for a claim: kwok nodes have no storage provisioner. It is Retain,
 * so after its claim is deleted it stays Released: delete it, and create it again for a new claim.
 */
export function volumeFor(pvc: KubeObject): KubeObject {
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

/** Blueprints that span clusters run on the one test cluster, with their names kept apart. */
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

/** The config a blueprint runs with on the test cluster: its example, adjusted to one cluster. */
export function e2eConfig(name: string): unknown {
  const example = BLUEPRINTS[name]?.example;
  const override = SINGLE_CLUSTER_CONFIG[name];
  if (!override) return example;
  process.stdout.write(`note: ${name}: ${override.why}\n`);
  return override.config(example);
}

/** What `zeroport render` prints for a blueprint with `config` (default: its e2e config). */
/** `zeroport render --component NAME` with `args`, as JSON manifests; throws with its stderr. */
export function renderComponent(component: string, args: unknown, workdir: string): KubeObject[] {
  const file = path.join(workdir, `${component}-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(args));
  const r = zeroport("render", "--component", component, "--args", file, "--format", "json");
  if (r.status !== 0)
    throw new Error(`zeroport render --component ${component} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as KubeObject[];
}

export function renderBlueprint(
  name: string,
  workdir: string,
  config = e2eConfig(name),
): KubeObject[] {
  const file = path.join(workdir, `${name}-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const r = zeroport("render", name, "--format", "json", "--config", file);
  if (r.status !== 0) throw new Error(`zeroport render ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as KubeObject[];
}
