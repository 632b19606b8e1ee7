/**
 * The NetworkPolicy LoopbackSidecar offers with `listen: pod-network`, where `ziti tunnel proxy`
 * listens on 0.0.0.0: every port stays open to other pods but the proxy ports, which only the pod
 * itself reaches (over loopback, which NetworkPolicy does not filter). Policies add up, so this
 * only narrows where nothing else selects the pod; in a default-deny namespace it would admit
 * every other port.
 */

/**
 * Every port from 1 to 65535 except `excluded`, as NetworkPolicy port ranges: what other pods may
 * still reach once the proxy ports are closed to them.
 */
export function complementPorts(excluded: readonly number[]): { port: number; endPort?: number }[] {
  const out: { port: number; endPort?: number }[] = [];
  let start = 1;
  for (const p of [...new Set(excluded)].sort((x, y) => x - y)) {
    if (p > start) out.push(p - 1 > start ? { port: start, endPort: p - 1 } : { port: start });
    start = p + 1;
  }
  if (start <= 65535) out.push(start < 65535 ? { port: start, endPort: 65535 } : { port: start });
  return out;
}

/** The policy's one ingress rule: every port of every protocol except the proxy ports. */
export function loopbackIngressPorts(a: {
  readonly services: readonly { readonly port: number; readonly protocols: readonly string[] }[];
}) {
  return (["TCP", "UDP", "SCTP"] as const).flatMap((protocol) =>
    complementPorts(
      a.services
        .filter((s) => s.protocols.some((p) => p.toUpperCase() === protocol))
        .map((s) => s.port),
    ).map((r) => ({ protocol, ...r })),
  );
}
