// A small Kubernetes API client for the end-to-end suite: kubeconfig client certificates,
// discovery, server-side apply with strict field validation, get, delete.
import * as fs from "node:fs";
import * as https from "node:https";
import * as YAML from "yaml";

interface KubeconfigFile {
  clusters: { name: string; cluster: Record<string, string | boolean> }[];
  users: { name: string; user: Record<string, string> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 600)}`);
  }
}

function pemFrom(entry: Record<string, string | boolean>, key: string): Buffer | undefined {
  const data = entry[`${key}-data`];
  if (typeof data === "string") return Buffer.from(data, "base64");
  const file = entry[key];
  return typeof file === "string" ? fs.readFileSync(file) : undefined;
}

export class KubeClient {
  private readonly server: URL;
  private readonly agent: https.Agent;
  private readonly resources = new Map<string, { plural: string; namespaced: boolean }>();

  /** `impersonate`: send every request as this user (and groups), as `kubectl --as` does. */
  constructor(
    kubeconfigPath: string,
    private readonly impersonate?: { user: string; groups?: string[] },
  ) {
    const config = YAML.parse(fs.readFileSync(kubeconfigPath, "utf8")) as KubeconfigFile;
    const context = config.contexts.find((c) => c.name === config["current-context"])?.context;
    const cluster = config.clusters.find((c) => c.name === context?.cluster)?.cluster;
    const user = config.users.find((u) => u.name === context?.user)?.user ?? {};
    if (!cluster) throw new Error(`${kubeconfigPath}: no current cluster`);
    this.server = new URL(String(cluster.server));
    this.agent = new https.Agent({
      ca: pemFrom(cluster, "certificate-authority"),
      cert: pemFrom(user, "client-certificate"),
      key: pemFrom(user, "client-key"),
      rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
      keepAlive: true,
    });
  }

  request(
    method: string,
    path: string,
    body?: string,
    contentType = "application/json",
  ): Promise<{ status: number; body: string; warnings: string[] }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        new URL(path, this.server),
        {
          method,
          agent: this.agent,
          headers: {
            Accept: "application/json",
            ...(body ? { "Content-Type": contentType } : {}),
            ...(this.impersonate
              ? {
                  "Impersonate-User": this.impersonate.user,
                  ...(this.impersonate.groups
                    ? { "Impersonate-Group": this.impersonate.groups }
                    : {}),
                }
              : {}),
          },
        },
        (res) => {
          let data = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (data += c));
          const warning = res.headers.warning;
          const warnings =
            warning === undefined ? [] : Array.isArray(warning) ? warning : [warning];
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data, warnings }));
        },
      );
      req.on("error", reject);
      req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      if (body) req.write(body);
      req.end();
    });
  }

  async json<T>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body, contentType);
    if (res.status >= 300) throw new ApiError(res.status, res.body, `${method} ${path}`);
    return JSON.parse(res.body) as T;
  }

  /** The REST path of an object, from API discovery. */
  async pathOf(
    obj: Pick<KubeObject, "apiVersion" | "kind" | "metadata">,
    withName = true,
  ): Promise<string> {
    const key = `${obj.apiVersion}/${obj.kind}`;
    if (!this.resources.has(key)) {
      const base = obj.apiVersion.includes("/")
        ? `/apis/${obj.apiVersion}`
        : `/api/${obj.apiVersion}`;
      const list = await this.json<{
        resources: { name: string; kind: string; namespaced: boolean }[];
      }>("GET", base);
      for (const r of list.resources.filter((r) => !r.name.includes("/"))) {
        this.resources.set(`${obj.apiVersion}/${r.kind}`, {
          plural: r.name,
          namespaced: r.namespaced,
        });
      }
    }
    const r = this.resources.get(key);
    if (!r) throw new Error(`the API server does not serve ${key}`);
    const base = obj.apiVersion.includes("/")
      ? `/apis/${obj.apiVersion}`
      : `/api/${obj.apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace ?? "default"}` : "";
    return `${base}${ns}/${r.plural}${withName ? `/${obj.metadata.name}` : ""}`;
  }

  /** Whether the API server's discovery says this kind lives in a namespace. */
  async namespaced(obj: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<boolean> {
    await this.pathOf(obj);
    return this.resources.get(`${obj.apiVersion}/${obj.kind}`)?.namespaced ?? false;
  }

  /** Server-side apply; the API server rejects unknown or duplicate fields (fieldValidation=Strict). */
  async apply(obj: KubeObject, dryRun = false): Promise<KubeObject> {
    const query = `fieldManager=zeroport-e2e&force=true&fieldValidation=Strict${dryRun ? "&dryRun=All" : ""}`;
    return this.json<KubeObject>(
      "PATCH",
      `${await this.pathOf(obj)}?${query}`,
      JSON.stringify(obj),
      "application/apply-patch+yaml",
    );
  }

  async get(obj: KubeObject): Promise<KubeObject | undefined> {
    const res = await this.request("GET", await this.pathOf(obj));
    if (res.status === 404) return undefined;
    if (res.status >= 300)
      throw new ApiError(res.status, res.body, `GET ${obj.kind} ${obj.metadata.name}`);
    return JSON.parse(res.body) as KubeObject;
  }

  /**
   * Foreground waits for dependents, but the object then goes by the garbage collector lifting its
   * finalizer, and a Service deleted that way keeps its node ports until the API server's repair
   * loop frees them (minutes): delete Services that hold fixed node ports in the background.
   */
  async delete(
    obj: KubeObject,
    propagation: "Foreground" | "Background" = "Foreground",
  ): Promise<void> {
    const res = await this.request(
      "DELETE",
      `${await this.pathOf(obj)}?propagationPolicy=${propagation}`,
    );
    if (res.status >= 300 && res.status !== 404)
      throw new ApiError(res.status, res.body, `DELETE ${obj.kind} ${obj.metadata.name}`);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Polls `check` until it returns a value, or fails with the last reason after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const result = await check();
    if (typeof result !== "string") return result;
    last = result;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}: ${last}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
