/**
 * Keeping `ziti tunnel proxy` listeners on the pod's loopback (docs/upstream.md U34-U36).
 *
 * `ziti tunnel proxy` listens on 0.0.0.0 for a service named on its command line (ziti v2.0.3
 * ziti/tunnel/proxy.go:48, tunnel/intercept/proxy/proxy.go:226); upstream's only per-service
 * address is a proxy.v1 config's `binding`, which replaces the command-line entry when the service
 * carries one (proxy.go:169-187, :232-240). That config lives on the controller, so the pod cannot
 * set it; it can make sure nothing else happens. Before it starts ziti, the sidecar binds, without
 * SO_REUSEADDR and without listening, one socket per proxy port on 127.0.0.2 and hands them to ziti
 * across exec. The kernel then refuses any wildcard bind of those ports ("address already in use")
 * while 127.0.0.1 stays free: a service without the loopback binding fails to listen instead of
 * listening on the pod network, and nothing answers on the guard's own address.
 */

/** The address each proxy.v1 config must bind: ResolveLocalBinding takes an IP or an interface. */
export const LOOPBACK_BINDING = "127.0.0.1";
/** A loopback address distinct from the binding, so the guard never collides with the listener. */
export const GUARD_ADDRESS = "127.0.0.2";

export interface ProxyPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: "tcp" | "udp";
}

/** The proxy.v1 config a service needs on the controller for a loopback listener. */
export function proxyV1Config(p: ProxyPort) {
  return { port: p.port, protocols: [p.protocol], binding: LOOPBACK_BINDING };
}

const portSpecs = (ports: readonly ProxyPort[]) => ports.map((p) => `${p.port}/${p.protocol}`);

// python3.11 comes with openziti/ziti-cli (U27). Python sockets set no SO_REUSEADDR unless asked.
const GUARD = `import os, socket, sys
cut = sys.argv.index("--")
held = []
for spec in sys.argv[1:cut]:
    port, proto = spec.split("/")
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("${GUARD_ADDRESS}", int(port)))
    except OSError as e:
        sys.exit("zeroport bind guard: cannot hold %s on ${GUARD_ADDRESS}: %s" % (spec, e.strerror))
    s.set_inheritable(True)
    held.append(s)
os.execvp(sys.argv[cut + 1], sys.argv[cut + 1:])
`;

/** The sidecar's command: hold the guard sockets, then become `ziti <args>`. */
export function bindGuardCommand(
  ports: readonly ProxyPort[],
  zitiArgs: readonly string[],
): string[] {
  return ["python3.11", "-c", GUARD, ...portSpecs(ports), "--", "ziti", ...zitiArgs];
}

// /proc/net/{tcp,udp} print the address as the kernel's 32-bit word, hence native byte order.
const PROBE = `import socket, struct, sys
loopback = "%08X" % struct.unpack("=I", socket.inet_aton("${LOOPBACK_BINDING}"))[0]
def bound(table, state):
    with open("/proc/net/" + table) as f:
        return {row.split()[1] for row in f.readlines()[1:] if row.split()[3] == state}
tables = {"tcp": bound("tcp", "0A"), "udp": bound("udp", "07")}
missing = [s for s in sys.argv[1:]
           if "%s:%04X" % (loopback, int(s.split("/")[0])) not in tables[s.split("/")[1]]]
if missing:
    sys.exit("ziti tunnel proxy is not listening on ${LOOPBACK_BINDING} for " + ", ".join(missing)
             + ": each service needs a proxy.v1 config with binding ${LOOPBACK_BINDING}")
`;

/** The startup probe: every proxy port is listening (TCP) or bound (UDP) on 127.0.0.1. */
export function loopbackListenersProbe(ports: readonly ProxyPort[]): string[] {
  return ["python3.11", "-c", PROBE, ...portSpecs(ports)];
}
