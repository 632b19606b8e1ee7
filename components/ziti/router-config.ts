import * as YAML from "yaml";
import { sha256 } from "../core/hash";
import { parseIPv4 } from "../core/net";
import type { ResolvedRouterTunnelerArgs } from "./router-tunneler";

/** ZITI_HOME: the writable state directory (persistent volume) the config is projected into. */
export const ROUTER_HOME = "/etc/ziti/config";
export const ROUTER_CONFIG_FILE = "ziti-router.yaml";

/** The certificate SANs the router needs: localhost plus every advertised host. Fixed at enrollment. */
export function routerSans(a: Pick<ResolvedRouterTunnelerArgs, "edge" | "link">): {
  dns: string[];
  ip: string[];
} {
  const hosts = [a.edge?.advertisedHost, a.link?.advertisedHost].filter(
    (h): h is string => h !== undefined,
  );
  const unique = [...new Set(hosts)];
  return {
    dns: ["localhost", ...unique.filter((h) => parseIPv4(h) === undefined)],
    ip: ["127.0.0.1", ...unique.filter((h) => parseIPv4(h) !== undefined)],
  };
}

/** The router config (`v: 3`), rendered as YAML: pure, so it is tested by parsing it back. */
export function renderRouterConfig(a: ResolvedRouterTunnelerArgs, routerName: string): string {
  const file = (ext: string) => `${ROUTER_HOME}/${routerName}.${ext}`;
  const listeners: Record<string, unknown>[] = [];
  if (a.edge) {
    listeners.push({
      binding: "edge",
      address: `tls:0.0.0.0:${a.edge.containerPort}`,
      options: { advertise: `${a.edge.advertisedHost}:${a.edge.advertisedPort}` },
    });
  }
  const t = a.tunnel;
  if (t.mode !== "none") {
    const options: Record<string, unknown> = { mode: t.mode };
    if (t.mode === "tproxy")
      Object.assign(options, { resolver: t.resolver, dnsSvcIpRange: t.dnsSvcIpRange, lanIf: "lo" });
    if (t.mode === "proxy")
      options.services = t.services.map((s) => `${s.name}:${s.port}:${s.protocol}`);
    listeners.push({ binding: "tunnel", options });
  }
  const config = {
    v: 3,
    identity: {
      cert: file("cert"),
      server_cert: file("server.chain.cert"),
      key: file("key"),
      ca: file("cas"),
    },
    ctrl: {
      ...(a.controller.endpoint ? { endpoint: `tls:${a.controller.endpoint}` } : {}),
      endpointsFile: `${ROUTER_HOME}/endpoints.yml`,
    },
    link: {
      dialers: [{ binding: "transport" }],
      ...(a.link
        ? {
            listeners: [
              {
                binding: "transport",
                bind: `tls:0.0.0.0:${a.link.containerPort}`,
                advertise: `tls:${a.link.advertisedHost}:${a.link.advertisedPort}`,
                options: {},
              },
            ],
          }
        : {}),
    },
    ...(listeners.length > 0 ? { listeners } : {}),
    // The router's loader takes the CSR from the root (preferred) or from `edge`, and an `edge`
    // section turns the edge on, which then needs an edge listener: a private router has none
    // (ziti v2.0.3 router/env/config_edge.go:115-127,287-288,355-379; recorded in
    // test/fixtures/ziti-router-config).
    csr: { sans: routerSans(a) },
    ...(a.edge ? { edge: { heartbeatIntervalSeconds: 60 } } : {}),
    forwarder: {
      latencyProbeInterval: 10,
      xgressDialQueueLength: 1000,
      xgressDialWorkerCount: 128,
      linkDialQueueLength: 1000,
      linkDialWorkerCount: 32,
      rateLimitedQueueLength: 5000,
      rateLimitedWorkerCount: 64,
    },
  };
  return YAML.stringify(config, { lineWidth: 0 });
}

/**
 * The state volume is keyed by the SANs: the router refuses to start when an advertised host is
 * missing from the certificate it enrolled with, so a change of advertised hosts must mean a new
 * enrollment on a fresh volume (with a new JWT), never a silent crash loop on the old one.
 */
export function stateVolumeName(
  name: string,
  a: Pick<ResolvedRouterTunnelerArgs, "edge" | "link">,
): string {
  return `${name}-state-${sha256(JSON.stringify(routerSans(a))).slice(0, 8)}`;
}
