/**
 * `zeroport scan --cluster`: the objects running in a cluster, read through the user's kubeconfig
 * (loaded and authenticated by the Kubernetes JavaScript client) and listed page by page, as
 * kubectl does, with every request and the whole scan bounded (cli/scan-budget.ts). Live objects
 * carry what the API server allocated (node ports, health check node ports), so those are judged
 * too; a controller's object is judged through its owner only where the owner would make it
 * (cli/owned-objects.ts).
 */
import type * as K8s from "@kubernetes/client-node";
import { EXEMPTION_ANNOTATION, type KubeObject } from "../policy/model";
import { UsageError } from "../reader/input";
import { loadKubeConfig } from "../kube-client/kubeconfig";
import { getJson, type Endpoint } from "../kube-client/kube-get";
import { judgedThroughOwner, type Owned } from "./owned-objects";
import { DEFAULT_SCAN_LIMITS, ScanBudget, type ScanLimits } from "./scan-budget";
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
  /** The whole scan's bounds (time, objects, bytes). */
  limits?: ScanLimits;
}

/** The path that lists `kind` (every resource here is plural by an added "s"). */
export function listPath(apiVersion: string, kind: string, namespace?: string): string {
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${kind.toLowerCase()}s`;
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
      typeof (i as { metadata?: unknown }).metadata !== "object" ||
      (i as { metadata?: unknown }).metadata === null,
  );
  return bad >= 0 ? `items[${bad}] is not an object with metadata` : null;
}

/**
 * What is kept of a listed object: what the rules and ownership read (kind, metadata's name,
 * namespace, uid, owners and the exemption annotation, spec). Status, managedFields and other
 * annotations (last-applied-configuration can be as large as the object) are dropped as read.
 */
function kept(item: Record<string, unknown>, apiVersion: string, kind: string): Listed {
  const meta = item.metadata as Record<string, unknown>;
  const annotations = meta.annotations as Record<string, unknown> | undefined;
  const reason =
    typeof annotations === "object" && annotations !== null
      ? annotations[EXEMPTION_ANNOTATION]
      : undefined;
  const metadata: Record<string, unknown> = {};
  for (const key of ["name", "namespace", "uid", "ownerReferences"])
    if (meta[key] !== undefined) metadata[key] = meta[key];
  if (reason !== undefined) metadata.annotations = { [EXEMPTION_ANNOTATION]: reason };
  return { apiVersion, kind, metadata, spec: item.spec } as Listed;
}

/**
 * One page of a list, checked and kept: its objects, and the continue token when there is one.
 * Anything else a server sends is a UsageError naming `where`.
 */
export function readPage(
  page: unknown,
  where: string,
  apiVersion: string,
  kind: string,
): { items: Listed[]; next?: string } {
  const why = notAList(page);
  if (why) throw new UsageError([`${where}: not a ${kind} list (${why})`]);
  const { items, metadata } = page as {
    items?: Record<string, unknown>[] | null;
    metadata?: { continue?: unknown };
  };
  const next = metadata?.continue;
  return {
    items: (items ?? []).map((item) => kept(item, apiVersion, kind)),
    ...(typeof next === "string" && next !== "" ? { next } : {}),
  };
}

/** Every object of one kind, page by page; a continue token seen before is refused. */
async function listAll(
  endpoint: Endpoint,
  budget: ScanBudget,
  apiVersion: string,
  kind: string,
  namespace?: string,
) {
  const path = listPath(apiVersion, kind, namespace);
  const out: Listed[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const query = `?limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
    const page = await getJson(endpoint, path + query, `listing ${kind}s`, budget);
    const { items, next } = readPage(page, `${endpoint.source}: GET ${path}`, apiVersion, kind);
    budget.addPage(items.length);
    out.push(...items);
    if (next === undefined) return out;
    if (seen.has(next))
      throw new UsageError([
        `${endpoint.source}: GET ${path}: the server repeats a page (a continue token came back); the scan is incomplete`,
      ]);
    seen.add(next);
    token = next;
  }
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
  const budget = new ScanBudget(
    options.limits ?? DEFAULT_SCAN_LIMITS,
    source,
    PAGE_SIZE,
    RESOURCES.length,
  );
  const listed: Listed[] = [];
  for (const { apiVersion, kind } of RESOURCES)
    listed.push(...(await listAll(endpoint, budget, apiVersion, kind, options.namespace)));
  const covered = judgedThroughOwner(listed);
  return listed
    .filter((o) => !covered.has(o))
    .map((o, index) => ({
      obj: o,
      file: source,
      index,
      doc: index,
      line: 1,
    }));
}
