/**
 * The TproxySidecar's startup probe: it asks the Ziti resolver itself, so a pod's app starts only
 * once the resolver answers. `ziti tunnel` opens its CLI agent before the resolver (ziti v2.0.3
 * ziti/tunnel/root.go:138 and :159), so `ziti agent stats` passes too early.
 *
 * The query is TXT for zeroport-probe.invalid: the resolver answers any type but A/AAAA itself,
 * never from upstreams (tunnel/dns/server.go:342), with REFUSED or SERVFAIL, or with silence when
 * unanswerable queries are set to time out (:345-367). A listener that stays silent is told from
 * no listener by the kernel's port-unreachable on loopback (ECONNREFUSED on a connected socket).
 * The interpreter is the python3.11 the image inherits from openziti/ziti-cli (docs/upstream.md U25).
 */

/** The probe's DNS query: id 0x7a70, recursion desired, one question, TXT IN zeroport-probe.invalid. */
export const RESOLVER_PROBE_QUERY =
  "7a70010000010000000000000e7a65726f706f72742d70726f626507696e76616c69640000100001";

/** How long the probe waits for an answer; below the probe's 5 s timeout. */
export const RESOLVER_PROBE_WAIT_SECONDS = 2;

const SCRIPT = `import socket, sys
host, port, unanswerable = sys.argv[1], int(sys.argv[2]), sys.argv[3]
query = bytes.fromhex("${RESOLVER_PROBE_QUERY}")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(${RESOLVER_PROBE_WAIT_SECONDS})
s.connect((host, port))
s.send(query)
try:
    reply = s.recv(512)
except ConnectionRefusedError:
    sys.exit("ziti resolver: nothing listens on %s:%d/udp" % (host, port))
except socket.timeout:
    if unanswerable == "timeout":
        sys.exit(0)
    sys.exit("ziti resolver: no answer from %s:%d within ${RESOLVER_PROBE_WAIT_SECONDS} s" % (host, port))
if reply[:2] != query[:2] or not reply[2] & 0x80:
    sys.exit("ziti resolver: the reply does not answer the probe")
`;

/** The exec command that asks the resolver on `host:port` (a loopback address, port 53). */
export function resolverProbeCommand(
  host: string,
  port: number,
  unanswerable: "refused" | "servfail" | "timeout",
): string[] {
  return ["python3.11", "-c", SCRIPT, host, String(port), unanswerable];
}
