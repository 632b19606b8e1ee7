// The rules of the OpenZiti router's config loader that decide whether a RouterTunneler config
// loads (ziti v2.0.3 router/env/config_edge.go:98-127 LoadEdgeConfigFromMap, :241-289
// loadEdgeListener, :355-401 loadCsr). test/components/ziti/router-config-loader.test.ts holds this
// model to the real loader's recorded verdicts (test/fixtures/ziti-router-config), then uses it on
// every config the schema allows.
import * as YAML from "yaml";

export interface LoaderVerdict {
  verdict: "loaded" | "refused";
  error?: string;
  csrPath?: string;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function routerLoaderVerdict(configYaml: string): LoaderVerdict {
  const root = YAML.parse(configYaml) as Record<string, unknown>;
  // loadCsr: the root `csr` first, else `edge.csr`.
  let csrPath: string | undefined;
  if (root.csr !== undefined) csrPath = "csr";
  else if (!isMap(root.edge))
    return {
      verdict: "refused",
      error:
        "root [csr] not found, root [edge] not found to check for [edge.csr], could not load any CSR",
    };
  else if (root.edge.csr === undefined)
    return {
      verdict: "refused",
      error:
        "root [csr] not found, root [edge] found but [edge.csr] is not defined, could not load any CSR",
    };
  else csrPath = "edge.csr";
  // An `edge` section (not null) turns the edge on, which needs an edge listener.
  if (root.edge === undefined || root.edge === null) return { verdict: "loaded", csrPath };
  if (!Array.isArray(root.listeners))
    return { verdict: "refused", error: "section [listeners] is required to be an array", csrPath };
  const edge = root.listeners.filter(
    (l): l is Record<string, unknown> => isMap(l) && l.binding === "edge",
  );
  if (edge.length === 0)
    return {
      verdict: "refused",
      error:
        "required binding [edge] not found in [listeners], at least one edge binding is required",
      csrPath,
    };
  if (edge.some((l) => typeof l.address !== "string" || !/^(tls|ws|wss):/.test(l.address)))
    return {
      verdict: "refused",
      error: "an edge listener's address is not a transport address",
      csrPath,
    };
  return { verdict: "loaded", csrPath };
}
