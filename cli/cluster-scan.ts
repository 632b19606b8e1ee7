/**
 * `zeroport scan --cluster`: the objects running in a cluster, read through the user's kubeconfig
 * (loaded and authenticated by the Kubernetes JavaScript client) and listed page by page, as
 * kubectl does, with every request bounded in time. Live objects carry what the API server
 * allocated (node ports, health check node ports), so those are judged too.
 */
import type * as K8s from "@kubernetes/client-node";
import type { KubeObject } from "../policy/model";
import { UsageError } from "./documents";
import { loadKubeConfig } from "./kubeconfig";
import { getJson, type Endpoint } from "./kube-get";
import type { SourcedObject } from "./scan";

/** The resources the rules judge: Services and every kind that carries a pod spec. */
const RESOURCES: { apiVersion: string; kind: string }[] = [
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "PodTemplate" },
  { apiVersion: "v1", kind: "ReplicationController" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "apps/v1", kind: "DaemonSet" },
  { apiVersion: "apps/v1", kind: "ReplicaSet" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "batch/v1", kind: "CronJob" },
];

/** kubectl's default `--chunk-size`: lists are read 500 objects a page. */
export const PAGE_SIZE = 500;

/** How long one request may take unless `--request-timeout` says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ClusterScanOptions {
  context?: string;
  namespace?: string;
  kubeconfig?: string;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
}

/** The path that lists `kind` (every resource here is plural by an added "s"). */
export function listPath(apiVersion: string, kind: string, namespace?: string): string {
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${kind.toLowerCase()}s`;
}

/** What ownership needs of an object: its uid and its controller reference. */
export interface Owned {
  metadata?: { uid?: string; ownerReferences?: { uid?: string; controller?: boolean }[] };
}

type Listed = KubeObject & Owned;

/** Why a page is not a list, or null: the server's answer is checked before it is judged. */
function notAList(page: unknown): string | null {
  if (typeof page !== "object" || page === null || Array.isArray(page)) return "not an object";
  const { items, metadata } = page as { items?: unknown; metadata?: unknown };
  if (items !== null && items !== undefined && !Array.isArray(items)) return "`items` is no list";
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null))
    return "`metadata` is no object";
  const bad = ((items ?? []) as unknown[]).findIndex(
    (i) =>
      typeof i !== "object" ||
      i === null ||
      Array.isArray(i) ||
      typeof (i as { metadata?: unknown }).metadata !== "object",
  );
  return bad >= 0 ? `items[${bad}] is not an object with metadata` : null;
}

/** Every object of one kind, page by page; a continue token that repeats is refused. */
async function listAll(endpoint: Endpoint, apiVersion: string, kind: string, namespace?: string) {
  const path = listPath(apiVersion, kind, namespace);
  const out: Listed[] = [];
  let token: string | undefined;
  for (;;) {
    const query = `?limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
    const page = await getJson(endpoint, path + query, `listing ${kind}s`);
    const why = notAList(page);
    if (why) throw new UsageError([`${endpoint.source}: GET ${path}: not a ${kind} list (${why})`]);
    const { items, metadata } = page as { items?: Listed[]; metadata?: { continue?: unknown } };
    for (const item of items ?? []) out.push({ ...item, apiVersion, kind });
    const next = metadata?.continue;
    if (typeof next !== "string" || next === "") return out;
    if (next === token)
      throw new UsageError([`${endpoint.source}: GET ${path}: the server repeats a page`]);
    token = next;
  }
}

/**
 * The objects judged through another: a Pod or ReplicaSet whose controlling owner (by uid) was
 * listed in this same scan and is itself judged or judged through its own owner (a Deployment's
 * ReplicaSet and its Pods). An owner that is not listed here (a ConfigMap, an Argo Rollout, a uid
 * nobody has) hides nothing.
 */
export function judgedThroughOwner<T extends Owned>(objects: readonly T[]): Set<T> {
  const byUid = new Map<string, T>();
  for (const o of objects) if (o.metadata?.uid) byUid.set(o.metadata.uid, o);
  const ownerOf = (o: T) => {
    const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    return ref?.uid ? byUid.get(ref.uid) : undefined;
  };
  const covered = new Set<T>();
  for (const o of objects) {
    // Walking up ends at an object with no listed owner, which is judged; a cycle hides nothing.
    const seen = new Set<T>([o]);
    let owner = ownerOf(o);
    while (owner && !seen.has(owner)) {
      seen.add(owner);
      const next = ownerOf(owner);
      if (!next) break;
      owner = next;
    }
    if (owner && ownerOf(owner) === undefined) covered.add(o);
  }
  return covered;
}

export async function clusterObjects(options: ClusterScanOptions): Promise<SourcedObject[]> {
  // ESM-only package: loaded on demand, so file scans never pay for it.
  const k8s: typeof K8s = await import("@kubernetes/client-node");
  const { config, source } = loadKubeConfig(k8s, options);
  const endpoint: Endpoint = {
    config,
    source,
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  const listed: Listed[] = [];
  for (const { apiVersion, kind } of RESOURCES)
    listed.push(...(await listAll(endpoint, apiVersion, kind, options.namespace)));
  const covered = judgedThroughOwner(listed);
  return listed
    .filter((o) => !covered.has(o))
    .map((o, index) => ({
      obj: JSON.parse(JSON.stringify(o)) as KubeObject,
      file: source,
      index,
      doc: index,
      line: 1,
    }));
}
