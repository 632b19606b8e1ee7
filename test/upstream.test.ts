import * as YAML from "yaml";
// One test per row of docs/upstream.md: each checks that what zeroport renders is what the
// upstream file and line there require. The first test keeps the page and this file in step.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IMAGES } from "../components/core/images";
import { imageNameAndTag } from "../components/core/image-ref";
import { ZITI_GROUP } from "../components/core/security";
import {
  NodeProxyDaemonset,
  NodeProxyDaemonsetArgsSchema,
} from "../components/ziti/node-proxy-daemonset";
import { corednsSnippets } from "../components/ziti/coredns-snippets";
import { NGINX_ZITI_EXIT_LINES } from "../components/ziti/nginx-ziti-ingress";
import {
  LoopbackSidecarArgsSchema,
  loopbackProcess,
  loopbackProxyConfigs,
} from "../components/ziti/loopback-sidecar";
import { TproxySidecarArgsSchema, tproxyInjection } from "../components/ziti/tproxy-sidecar";
import { ZITI_VERSION_FLOORS, unsupportedZitiImage } from "../components/ziti/versions";
import { TUNNEL_STATUS_PROBE, ZitiHost } from "../components/ziti/ziti-host";
import { agentCommand } from "../components/ztm/agent";
import { Proxy } from "../components/ztm/agent-apps";
import { ZTM_USER } from "../components/ztm/common";
import { hubCommand } from "../components/ztm/hub";
import { caImportScript } from "../components/ztm/hub-ca-import";
import { reconcilerScript } from "../components/ztm/reconciler-in-pod";
import { admissionProblem } from "../components/ztm/reconciler-checks";
import { decodeChunk } from "../reader/goyaml";
import { decodeAsKubectl } from "../reader/input";
import { isLibraryChart, splitHelmOutput } from "../sources/render";
import { HELM, KUSTOMIZE, parseVersion } from "../sources/tools";
import { isRfc3339, readObjects } from "../reader/kube-objects";
import { goTrimSpace, mightBeJson } from "../reader/kube-stream";
import { CONTROLLER_EDGES } from "../policy/controllers";
import { RouterTunnelerArgsSchema, renderRouterConfig } from "../components/ziti/router-tunneler";
import { exposuresOf } from "../policy/rules";
import { BLUEPRINTS } from "../stacks";
import { identityJson, jwt, proxyBindRecords } from "./helpers/fixtures";
import { podSpecOf, render } from "./helpers/mocks";

const README = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const PAGE = fs.readFileSync(path.join(__dirname, "..", "docs", "upstream.md"), "utf8");
const PROXY_BIND = proxyBindRecords();
const proxyBind = (start: string) => PROXY_BIND.filter((r) => r.case.startsWith(start));
const DOCKERFILE = fs.readFileSync(
  path.join(__dirname, "..", "images", "nginx-ziti", "Dockerfile"),
  "utf8",
);
type Container = {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  securityContext?: Record<string, unknown>;
  startupProbe?: { exec: { command: string[] } };
  livenessProbe?: { exec: { command: string[] } };
  volumeMounts?: { mountPath: string }[];
};

const ids = Object.keys(facts());
test("every fact on docs/upstream.md has a test here, and every test a fact there", () => {
  const onPage = [...PAGE.matchAll(/^\| (U\d+) \|/gm)].map((m) => m[1]);
  expect(onPage).toEqual(ids);
});

describe.each(Object.entries(facts()))("%s", (_id, check) => {
  test("holds for what zeroport renders", async () => {
    await check();
  });
});

function facts(): Record<string, () => void | Promise<void>> {
  const host = async () => {
    const r = await render(
      () => new ZitiHost("h", { namespace: "ziti", identity: { jwt: jwt() } }),
    );
    const pod = podSpecOf(r.one("Deployment"));
    return { pod, container: (pod.containers as Container[])[0] };
  };
  const nodeProxy = async (privilege: "privileged" | "netAdmin") => {
    const r = await render(
      () =>
        new NodeProxyDaemonset("n", {
          namespace: "ziti",
          identity: { json: identityJson() },
          privilege,
        }),
    );
    return (podSpecOf(r.one("DaemonSet")).containers as Container[])[0];
  };
  const tproxy = (dnsUnanswerable: string) => {
    const a = TproxySidecarArgsSchema.parse({
      namespace: "shop",
      identity: { json: identityJson() },
      dnsUnanswerable,
    });
    const identity = { secretName: "t", key: "identity.json", contents: "json" as const };
    const spec = tproxyInjection(a, { ...identity, namespace: "shop" }, "t").inject(
      { containers: [{ name: "app", image: "app:1" }] },
      { kind: "Deployment", name: "web", namespace: "shop", replicas: 1 },
    );
    return (spec.initContainers as Container[])[0];
  };
  const loopback = (listen: "loopback" | "pod-network") =>
    LoopbackSidecarArgsSchema.parse({
      identity: { json: identityJson() },
      services: [
        { name: "a", port: 8080 },
        { name: "b", port: 8053, protocols: ["udp"] },
      ],
      listen,
    });
  return {
    U1: async () => {
      const { pod, container } = await host();
      expect((pod.securityContext as { runAsGroup: number }).runAsGroup).toBe(2171);
      expect(container.securityContext?.runAsGroup).toBe(2171);
    },
    U2: async () => {
      expect(ZITI_GROUP).toBe(2171);
      expect(((await host()).pod.securityContext as { fsGroup: number }).fsGroup).toBe(2171);
    },
    U3: async () => {
      const { container } = await host();
      expect([container.securityContext?.runAsUser, container.securityContext?.runAsGroup]).toEqual(
        [65534, 2171],
      );
      expect(IMAGES.zitiHost).toBe("docker.io/openziti/ziti-host:1.18.7");
    },
    U4: async () => {
      const c = await nodeProxy("netAdmin");
      expect(c.securityContext).toMatchObject({
        runAsUser: 0,
        runAsGroup: 2171,
        capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
      });
    },
    U5: () => {
      const parse = (dnsUpstream: string) =>
        NodeProxyDaemonsetArgsSchema.safeParse({ identity: { json: identityJson() }, dnsUpstream })
          .success;
      expect([parse("10.96.0.10"), parse("10.96.0.10:53"), parse("kube-dns.kube-system")]).toEqual([
        true,
        false,
        false,
      ]);
    },
    U6: async () => {
      const { container } = await host();
      expect(container.env?.map((e) => e.name)).toEqual(
        expect.arrayContaining(["ZITI_IDENTITY_DIR", "ZITI_IDENTITY_BASENAME"]),
      );
      expect(container.env?.find((e) => e.name === "ZITI_IDENTITY_DIR")?.value).toBe(
        "/ziti-edge-tunnel",
      );
      expect(container.volumeMounts?.map((m) => m.mountPath)).toContain(
        "/var/run/secrets/netfoundry.io/enrollment-token",
      );
    },
    U7: async () => {
      expect(TUNNEL_STATUS_PROBE).toEqual([
        "/bin/sh",
        "-c",
        expect.stringContaining("ziti-edge-tunnel tunnel_status"),
      ]);
      expect(TUNNEL_STATUS_PROBE[2]).toContain("jq -e '.Success == true'");
      expect((await host()).container.startupProbe?.exec.command).toEqual(TUNNEL_STATUS_PROBE);
    },
    U8: () => {
      const args = TproxySidecarArgsSchema.parse({ namespace: "shop", identity: { jwt: jwt() } });
      const identity = {
        secretName: "t",
        key: "enrollment.jwt",
        contents: "jwt" as const,
        namespace: "shop",
      };
      const inject = (kind: string) =>
        tproxyInjection(args, identity, "t").inject(
          { containers: [{ name: "app", image: "app:1" }] },
          { kind, name: "web", namespace: "shop", replicas: 1 },
        );
      expect(() => inject("Deployment")).toThrow(/one-time enrollment JWT is spent/);
      expect(() => inject("Pod")).not.toThrow();
    },
    U9: () => {
      expect(
        corednsSnippets(["ziti.internal"], "100.64.0.2", ["169.254.20.10", "10.96.0.10"])
          .nodeLocalDns,
      ).toContain("bind 169.254.20.10 10.96.0.10");
    },
    U25: () => {
      const c = tproxy("refused");
      expect(c.startupProbe?.exec.command.slice(3)).toEqual(["127.0.0.1", "53", "refused"]);
      expect(c.livenessProbe?.exec.command).toEqual(["ziti", "agent", "stats"]);
      const resolverOk = (resolver: string) =>
        TproxySidecarArgsSchema.safeParse({ namespace: "s", identity: { jwt: jwt() }, resolver })
          .success;
      expect([resolverOk("udp://127.0.0.1:53"), resolverOk("tcp://127.0.0.1:53")]).toEqual([
        true,
        false,
      ]);
    },
    U26: () => {
      const recorded = JSON.parse(
        fs.readFileSync(path.join(__dirname, "fixtures/ziti-resolver/replies.json"), "utf8"),
      ) as { query: string; replies: { reply: string }[] };
      // TXT (type 16) class IN: a type the resolver never forwards upstream.
      expect(recorded.query.endsWith("00100001")).toBe(true);
      expect(recorded.replies.map((r) => r.reply.slice(4, 8))).toEqual(["8105", "8102", ""]);
      for (const disposition of ["refused", "servfail", "timeout"]) {
        const command = tproxy(disposition).startupProbe?.exec.command ?? [];
        expect(command[2]).toContain(recorded.query);
        expect(command[5]).toBe(disposition);
      }
    },
    U27: () => {
      expect(tproxy("refused").startupProbe?.exec.command[0]).toBe("python3.11");
      const tag = (image: string) => image.split(":").pop();
      expect(tag(IMAGES.zitiTunnel)).toBe(tag(IMAGES.zitiCli));
      expect(IMAGES.zitiTunnel).toBe("docker.io/openziti/ziti-tunnel:2.0.3");
    },
    U29: () => {
      const example = BLUEPRINTS["egress-tproxy"]?.example as { sidecar: { dnsUpstream?: string } };
      expect(example.sidecar.dnsUpstream).toBe("tcp://10.96.0.10:53");
      expect(TproxySidecarArgsSchema.shape.dnsUpstream.description).toContain("Prefer tcp://");
      const parsed = TproxySidecarArgsSchema.safeParse({
        namespace: "s",
        identity: { jwt: jwt() },
        dnsUpstream: "tcp://10.96.0.10:53",
      });
      expect(parsed.success).toBe(true);
    },
    U34: () => {
      const { command = [] } = loopbackProcess(loopback("loopback"));
      const cut = command.indexOf("--");
      expect(command.slice(0, 2)).toEqual(["python3.11", "-c"]);
      expect(command.slice(3, cut)).toEqual(["8080/tcp", "8053/udp"]);
      expect(command.slice(cut + 1, cut + 4)).toEqual(["ziti", "tunnel", "proxy"]);
      expect(command[2]).toContain('s.bind(("127.0.0.2", int(port)))');
      expect(loopbackProcess(loopback("pod-network")).args?.slice(0, 2)).toEqual([
        "tunnel",
        "proxy",
      ]);
      expect(proxyBind("no guard").map((r) => r.outcome)).toEqual([
        "listening on 0.0.0.0:28081",
        "connected",
      ]);
      expect(proxyBind("guard").map((r) => r.outcome.replace(/^.*: /, ""))).toEqual([
        "address already in use",
        "listening on 127.0.0.1:28080",
        "connection refused",
        "address already in use",
        "bound to 127.0.0.1:28053",
      ]);
    },
    U35: () => {
      const schemaKeys = ["binding", "port", "protocols"];
      for (const { config } of loopbackProxyConfigs(loopback("loopback"))) {
        expect(Object.keys(config).sort()).toEqual(schemaKeys);
        expect(config.binding).toBe("127.0.0.1");
      }
      expect(proxyBind("first address of lo").map((r) => r.outcome)).toEqual(["127.0.0.1/8"]);
      const probe = loopbackProcess(loopback("loopback")).startupProbe.exec?.command ?? [];
      expect(probe[2]).toContain('"127.0.0.1", int(s.split("/")[0])');
    },
    U36: () => {
      for (const listen of ["loopback", "pod-network"] as const) {
        const p = loopbackProcess(loopback(listen));
        expect([...(p.command ?? []), ...(p.args ?? [])].join(" ")).not.toContain("svcPollRate");
      }
      // Services are read again at every full re-authentication: listeners can change while the
      // pod runs, so liveness asks what startup asks.
      const p = loopbackProcess(loopback("loopback"));
      expect(p.livenessProbe.exec?.command).toEqual(p.startupProbe.exec?.command);
      expect(README.replace(/\s+/g, " ")).toContain(
        "reads its services again at every full re-authentication",
      );
    },
    U37: () => {
      const tag = (image: string) => imageNameAndTag(image).tag;
      expect([IMAGES.zitiHost, IMAGES.zitiEdgeTunnel].map(tag)).toEqual(["1.18.7", "1.18.7"]);
      expect([IMAGES.zitiRouter, IMAGES.zitiCli, IMAGES.zitiTunnel].map(tag)).toEqual([
        "2.0.3",
        "2.0.3",
        "2.0.3",
      ]);
      const floors = Object.entries(ZITI_VERSION_FLOORS).map(([name, f]) => `${name} ${f.from}`);
      expect(floors).toEqual([
        "ziti-edge-tunnel 1.16.2",
        "ziti-host 1.16.2",
        "ziti-router 2.0.0",
        "ziti-tunnel 2.0.0",
        "ziti-cli 2.0.0",
      ]);
      expect(unsupportedZitiImage("docker.io/openziti/ziti-host:1.12.0")).toContain("U37");
      expect(README).toContain("Your controller runs the 2.0 LTS line (2.0.x).");
    },
    U38: () => {
      const render = (extra: object) =>
        YAML.parse(
          renderRouterConfig(
            RouterTunnelerArgsSchema.parse({ enrollment: { jwt: jwt({ em: "erott" }) }, ...extra }),
            "r1",
          ),
        ) as { csr?: unknown; edge?: unknown; listeners?: { binding: string }[] };
      const privateRouter = render({});
      expect(privateRouter.csr).toBeDefined();
      expect(privateRouter.edge).toBeUndefined();
      const withEdge = render({ edge: { advertisedHost: "router.example.com" } });
      expect(withEdge.edge).toBeDefined();
      expect(withEdge.listeners?.map((l) => l.binding)).toContain("edge");
    },
    U39: () => {
      const range = TproxySidecarArgsSchema.parse({
        identity: { json: identityJson() },
      }).dnsIpRange;
      expect(range).toBe("100.64.0.1/10");
      expect(
        TproxySidecarArgsSchema.safeParse({
          identity: { json: identityJson() },
          clusterCidrs: { pods: ["100.64.0.0/16"] },
        }).success,
      ).toBe(false);
      expect(README.replace(/\s+/g, " ")).toContain("adds `dnsIpRange` to the pod's `lo`");
    },
    U41: () => {
      expect(CONTROLLER_EDGES.map((e) => e.serviceAccount)).toEqual([
        "replicaset-controller",
        "daemon-set-controller",
        "statefulset-controller",
        "job-controller",
        "replication-controller",
        "deployment-controller",
        "cronjob-controller",
      ]);
    },
    U10: () => {
      const script = caImportScript({ data: "/data", cert: "/ca/cert.pem", key: "/ca/key.pem" });
      expect(script).toContain("ztm ca import --data /data --cert /ca/cert.pem --key /ca/key.pem");
      expect(script).toContain("ztm ca export --data /data --cert");
    },
    U11: () => {
      const script = caImportScript({ data: "/data", cert: "/c", key: "/k" });
      expect(script).toMatch(/^ {2}timeout 10 ztm ca import/m);
      expect(script).toMatch(/^ {4}timeout 10 ztm ca export/m);
      expect(script).toContain('while [ "$i" -lt 3 ]');
    },
    U12: () => {
      // runHub passes on exactly these options (cli/main.js:1088-1113); `ztm run hub` parses them.
      const upstream = [
        "--data",
        "--listen",
        "--names",
        "--bootstrap",
        "--ca",
        "--zone",
        "--max-agents",
        "--permit",
      ];
      const flags = hubCommand({ port: 8888, names: ["h:8888"] }).filter((t) => t.startsWith("--"));
      expect(flags.filter((f) => !upstream.includes(f))).toEqual([]);
      expect(flags).toEqual(expect.arrayContaining(["--listen", "--data", "--names", "--permit"]));
    },
    U13: () => {
      const upstream = ["--data", "--listen", "--join", "--join-as", "--permit", "--proxy"];
      const flags = agentCommand({ mesh: "m", endpoint: "e" }).filter((t) => t.startsWith("--"));
      expect(flags.filter((f) => !upstream.includes(f))).toEqual([]);
      expect(flags).toEqual(["--listen", "--data", "--join", "--join-as", "--permit"]);
    },
    U14: () => {
      expect([IMAGES.ztmHub, IMAGES.ztmAgent]).toEqual([
        "docker.io/flomesh/ztm-hub:1.0.4",
        "docker.io/flomesh/ztm-agent:1.0.4",
      ]);
    },
    U15: () => {
      expect(ZTM_USER).toEqual({ uid: 1000, gid: 1000 });
    },
    U16: () => {
      expect(reconcilerScript()).toContain("({ ip: l.ip, port: l.port })");
    },
    U17: () => {
      expect(reconcilerScript()).toContain("/endpoints?id=");
    },
    U18: () => {
      expect(reconcilerScript()).toMatch(/is not in mesh .* \(yet\)/);
    },
    U19: () => {
      expect(reconcilerScript()).toContain('"rules"');
    },
    U20: () => {
      expect(reconcilerScript()).toContain("ZTM_STUCK_FILE");
      expect(reconcilerScript()).toContain("ZTM does not retry it on its own");
    },
    U30: () => {
      expect(reconcilerScript()).toContain("/endpoints?id=${q}&name=${q}");
    },
    U31: () => {
      expect(reconcilerScript()).toContain("(the agent says: ");
    },
    U32: () => {
      const rule = { groups: ["admins"], action: "allow" };
      expect(Proxy.safeParse({ port: 8082, rules: [rule] }).success).toBe(false);
      expect(Proxy.safeParse({ port: 8082, rules: [{ ...rule, users: ["alice"] }] }).success).toBe(
        true,
      );
    },
    U33: () => {
      const ztm = README.slice(README.indexOf("### ZTM"));
      const intro = ztm.slice(0, ztm.indexOf("- **ZtmHub**"));
      expect(intro).toMatch(/valid 365 days from its\s+first start/);
      expect(intro).toMatch(/365 days, written again at every hub start/);
      // So the blueprints do not leave the hub to make its own CA, unless told to.
      for (const name of ["ztm-mesh", "ztm-cross-cluster"]) {
        const b = BLUEPRINTS[name];
        expect((b?.schema.parse(b.example) as { programCa: boolean }).programCa).toBe(true);
      }
    },
    U40: () => {
      const script = caImportScript({ data: "/data", cert: "/c", key: "/k" });
      expect(script).toContain('have=$(spki "$work/stored.pem"); want=$(spki /c)');
      expect(script).not.toContain('stored.key")" = ');
    },
    U42: () => {
      expect(hubCommand({ port: 8888, names: ["h:8888"], maxAgents: 250 })).toContain("250");
      const id = "bf071f65-354d-4b54-93bc-8300944134d7";
      expect(admissionProblem("m", { id }, [])).toContain("ZtmHub maxAgents");
      expect(admissionProblem("m", { id }, [{ id }])).toBeUndefined();
      expect(reconcilerScript()).toContain("admissionProblem");
    },
    U21: () => {
      expect(DOCKERFILE).toContain('ngx_module_libs="-L/usr/local/lib -lziti"');
      expect(DOCKERFILE).toContain(
        "ldd /usr/lib/nginx/modules/ngx_ziti_module.so | grep -q 'libziti'",
      );
      expect(DOCKERFILE).toContain("nginx -t -c /tmp/check.conf");
    },
    U22: () => {
      expect(DOCKERFILE).toContain("-I/src/ziti-sdk-c/build/_deps/uv-mbed-src/include");
    },
    U23: () => {
      expect(DOCKERFILE).toContain("-DZITI_BUILD_TESTS=OFF -DZITI_BUILD_PROGRAMS=OFF");
    },
    U28: () => {
      expect([...NGINX_ZITI_EXIT_LINES]).toEqual([
        "service thread exiting",
        "error returned from accept, exiting",
        "could not load identity file",
      ]);
    },
    U24: () => {
      const lb = {
        kind: "Service",
        metadata: { name: "hub" },
        spec: {
          type: "LoadBalancer",
          allocateLoadBalancerNodePorts: false,
          externalTrafficPolicy: "Local",
        },
      };
      expect(exposuresOf(lb).join("; ")).toContain("health check node port");
    },
    U43: () => {
      const text = "kind: Service\n";
      const le = Buffer.from(text, "utf16le");
      const be = Buffer.from(le.map((_, i) => le[i ^ 1] ?? 0));
      expect(decodeAsKubectl(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(text);
      expect(decodeAsKubectl(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
      expect(decodeAsKubectl(Buffer.from(`\ufeff${text}`))).toBe(text);
      // After a UTF-8 BOM the bytes pass unchanged: a malformed one reaches go-yaml and is refused.
      const malformed = Buffer.concat([
        Buffer.from(`\ufeff${text}a: `),
        Buffer.from([0xc2]),
        Buffer.from("\n"),
      ]);
      expect(() => readObjects(decodeAsKubectl(malformed))).toThrow("invalid UTF-8");
      expect(readObjects(decodeAsKubectl(malformed.subarray(3)))).toEqual([
        { kind: "Service", a: "\ufffd" },
      ]);
    },
    U44: () => {
      expect(mightBeJson(' \n\u0085 {"kind": "Service"}')).toBe(true);
      expect(mightBeJson('"kind": Service\n')).toBe(false);
      expect(mightBeJson('\ufeff{"kind": "Service"}')).toBe(false);
      expect(mightBeJson(`${" ".repeat(4096)}{}`)).toBe(false);
    },
    U45: () => {
      expect(goTrimSpace(" \u0085# c\t")).toBe("# c");
      expect(goTrimSpace("\ufeff")).toBe("\ufeff");
    },
    U46: () => {
      // Every libyaml break ends a comment and a line; read_line keeps an LS or PS in a value.
      expect(decodeChunk("a: 1 # c\rb: 2 # c\u0085c: 3\u2028d: 4\u2029e: 5\r\n")).toEqual({
        a: 1,
        b: 2,
        c: 3,
        d: 4,
        e: 5,
      });
      expect(decodeChunk("a: x\u2028  y\nb: x\r  y\u0085  z\n")).toEqual({
        a: "x\u2028y",
        b: "x y z",
      });
    },
    U49: () => {
      const after = (bytes: string) => `kind: A\napiVersion: v1\n...\n${bytes}\u0001\n`;
      // In the block the reader decodes for the `...` token: refused; 600 bytes on: never decoded.
      expect(() => readObjects(after(""))).toThrow("control characters are not allowed");
      expect(readObjects(after(" ".repeat(600)))).toEqual([{ kind: "A", apiVersion: "v1" }]);
      // kubectl drops one BOM, go-yaml's encoding check another; the third stays at buffer[0] and
      // makes the scanner skip the first character of every line it starts at column 0.
      const boms = Buffer.from(`${"\ufeff".repeat(3)}\n\nkind: Service\napiVersion: v1\n`);
      expect(readObjects(decodeAsKubectl(boms))).toEqual([{ kind: "Service", piVersion: "v1" }]);
    },
    U50: () => {
      expect(
        readObjects("apiVersion: v1\nkind: ServiceList\nitems:\n- \n- {apiVersion: v2, kind: X}\n"),
      ).toEqual([
        { apiVersion: "v1", kind: "Service" },
        { apiVersion: "v2", kind: "X" },
      ]);
      expect(() => readObjects("apiVersion: v1\nitems: []\n")).toThrow("Object 'Kind' is missing");
      expect(() => readObjects("kind: List\nitems: [1]\n")).toThrow(
        "items member is not an object",
      );
    },
    U51: () => {
      expect(() => readObjects("kind: A\napiVersion: 1\n")).toThrow("apiVersion must be a string");
      expect(() => readObjects("kind: A\nmetadata: {labels: {a: 1}}\n")).toThrow("ObjectMeta");
      expect(
        readObjects("kind: A\nMetadata: 1\nmetadata: {creationTimestamp: null}\n"),
      ).toHaveLength(1);
      expect(isRfc3339("2024-01-01T9:00:00,5+24:00")).toBe(true);
    },
    U52: () => {
      expect(() => readObjects("kind: List\napiVersion: v1\nitems: [{kind: A}]\n")).toThrow(
        "no apiVersion field",
      );
      expect(() => readObjects("kind: List\nitems: [{kind: A, apiVersion: a/b/c}]\n")).toThrow(
        "no apiVersion field",
      );
      expect(readObjects("kind: A\n")).toEqual([{ kind: "A" }]);
    },
    U53: () => {
      expect(() => readObjects("---\n\ufeffkind: S\n")).toThrow("Object 'Kind' is missing");
      expect(readObjects("kind: A\n---\n---\n---\n\ufeffkind: S\n")).toEqual([
        { kind: "A" },
        { kind: "S" },
      ]);
    },
    U54: () => {
      expect(readObjects('{"kind": "A"}\n\u0085kind: B\n')).toEqual([{ kind: "A" }, { kind: "B" }]);
      expect(() => readObjects('{"kind": "A"}   x')).toThrow("invalid JSON, and no YAML after it");
      expect(() => readObjects('{"kind": "A"}{"kind": "B"} x: 1\n')).toThrow(
        "invalid JSON in a JSON stream",
      );
    },
    U55: () => {
      const output = "---\n# Source: site/templates/svc.yaml\nkind: Service\n";
      expect(splitHelmOutput(output, "charts/web").map((d) => d.source)).toEqual([
        path.join("charts/web", "templates/svc.yaml"),
      ]);
    },
    U56: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-u56-"));
      fs.writeFileSync(path.join(dir, "Chart.yaml"), "name: common\ntype: library\n");
      expect(isLibraryChart(dir)).toBe(true);
    },
    U57: () => {
      expect(parseVersion("v4.3.2")).toEqual([4, 3, 2]);
      expect(parseVersion("v5.8.1")).toEqual([5, 8, 1]);
      expect([HELM.versionArgs, KUSTOMIZE.versionArgs]).toEqual([
        ["version", "--template", "{{.Version}}"],
        ["version"],
      ]);
    },
    U47: () => {
      const sdk = fs.readFileSync(
        require.resolve("@pulumi/pulumi/automation/localWorkspace.js"),
        "utf8",
      );
      expect(sdk).toContain('["stack", "export", "--show-secrets", "--stack", stackName]');
      const e2e = fs.readFileSync(path.join(__dirname, "e2e", "engine.e2e.ts"), "utf8");
      expect(e2e).toContain("engine.storedState(name)");
      expect(e2e).not.toContain("exportStack()");
    },
    U48: () => {
      const host = fs.readFileSync(
        require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"),
        "utf8",
      );
      expect(host).toContain("resp.setAcceptsecrets(false)");
      expect(host).toContain("requireFromString(providerString).handler()");
      const provider = fs.readFileSync(
        path.join(__dirname, "..", "components", "ztm", "program-ca-provider.ts"),
        "utf8",
      );
      expect(provider).toMatch(/export \{ caMaterialProvider, inputsOf \};\s*$/);
      expect(provider).not.toMatch(/^export const/m);
    },
  };
}
