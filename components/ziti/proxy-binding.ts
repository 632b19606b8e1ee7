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

/** One Ziti service's local port and protocols: proxy.v1's shape, one entry per service. */
export interface ProxyPort {
  readonly name: string;
  readonly port: number;
  readonly protocols: readonly ("tcp" | "udp")[];
}

/** The proxy.v1 config a service needs on the controller for a loopback listener. */
export function proxyV1Config(p: ProxyPort) {
  return { port: p.port, protocols: [...p.protocols], binding: LOOPBACK_BINDING };
}

const portSpecs = (ports: readonly ProxyPort[]) =>
  ports.flatMap((p) => p.protocols.map((proto) => `${p.port}/${proto}`));

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

// /proc/net/{tcp,udp}[6] print addresses as the kernel's 32-bit words, hence native byte order.
// A listener is a TCP socket in LISTEN (0A) or an unconnected UDP socket (07). The ziti process is
// found by name, its sockets by the inodes of its file descriptors (the probe runs as its user).
const PROBE = `import os, socket, struct, sys
def addr(hexa):
    words = [int(hexa[i:i + 8], 16) for i in range(0, len(hexa), 8)]
    raw = struct.pack("=%dI" % len(words), *words)
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)
def loopback(ip):
    return ip.startswith("127.") or ip == "::1" or ip.startswith("::ffff:127.")
listening = {}
for table in ("tcp", "tcp6", "udp", "udp6"):
    try:
        rows = open("/proc/net/" + table).readlines()[1:]
    except OSError:
        continue
    for row in rows:
        f = row.split()
        if f[3] == ("0A" if table.startswith("tcp") else "07"):
            ip, port = f[1].split(":")
            listening[f[9]] = (table[:3], addr(ip), int(port, 16))
inodes = set()
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if open("/proc/%s/comm" % pid).read().strip() != "ziti":
            continue
        for fd in os.listdir("/proc/%s/fd" % pid):
            link = os.readlink("/proc/%s/fd/%s" % (pid, fd))
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        continue
leaks = sorted({"%s %s:%d" % (p, ip, port) for i, (p, ip, port) in listening.items()
                if i in inodes and not loopback(ip)})
if leaks:
    sys.exit("ziti tunnel proxy listens beyond loopback on " + ", ".join(leaks)
             + ": a service it may dial has a proxy.v1 config without binding ${LOOPBACK_BINDING}")
bound = {(p, ip, port) for p, ip, port in listening.values()}
missing = [s for s in sys.argv[1:]
           if (s.split("/")[1], "${LOOPBACK_BINDING}", int(s.split("/")[0])) not in bound]
if missing:
    sys.exit("ziti tunnel proxy is not listening on ${LOOPBACK_BINDING} for " + ", ".join(missing)
             + ": each service needs a proxy.v1 config with binding ${LOOPBACK_BINDING}")
`;

/**
 * The startup and liveness probe: every proxy port is listening (TCP) or bound (UDP) on
 * 127.0.0.1, and no socket of the ziti process listens anywhere else. `ziti tunnel proxy` also
 * listens for every other service its identity may dial that carries a proxy.v1 config, at that
 * config's port and binding (ziti v2.0.3 tunnel/intercept/proxy/proxy.go:157-196), and it reads
 * its services again at every full re-authentication (sdk-golang v1.7.0 ziti.go:1349): a listener
 * can appear or vanish while the pod runs, so liveness asks the same.
 */
export function loopbackListenersProbe(ports: readonly ProxyPort[]): string[] {
  return ["python3.11", "-c", PROBE, ...portSpecs(ports)];
}
