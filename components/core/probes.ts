/**
 * Exits non-zero unless a running `ziti-edge-tunnel` answers on its IPC socket (under /tmp) and
 * reports success. (The official charts pipe to `jq` without `-e`, so their probe cannot fail.)
 */
export const TUNNEL_STATUS_PROBE = [
  "/bin/sh",
  "-c",
  "ziti-edge-tunnel tunnel_status | jq -e '.Success == true' >/dev/null",
];

/**
 * Exits non-zero unless a running `ziti` process (router or Go tunneler) answers on its CLI agent
 * socket (under /tmp); the router chart probes the same way.
 */
export const ZITI_AGENT_PROBE = ["ziti", "agent", "stats"];
