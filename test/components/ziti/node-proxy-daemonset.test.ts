import {
  NodeProxyDaemonset,
  NodeProxyDaemonsetArgsSchema,
  type NodeProxyDaemonsetArgs,
} from "../../../components/ziti/node-proxy-daemonset";
import { zitiNameserver } from "../../../components/core/net";
import { TUNNEL_STATUS_PROBE } from "../../../components/core/probes";
import type { ZeroportInputError } from "../../../components/core/validation";
import { identityJson, jwt } from "../../helpers/fixtures";
import { plainOccurrences, podSpecOf, render } from "../../helpers/mocks";
import { allSchemaProblems } from "../../helpers/schema";

const proxy = (args: Partial<NodeProxyDaemonsetArgs>) =>
  render(
    () =>
      new NodeProxyDaemonset("np", {
        namespace: { name: "ziti-node", create: true },
        identity: { json: identityJson() },
        ...args,
      }),
  );

describe("NodeProxyDaemonset", () => {
  test("runs ziti-edge-tunnel run privileged in the node's network, one node at a time", async () => {
    const r = await proxy({
      nodeSelector: { "zeroport.io/ziti": "true" },
      tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "Namespace/ziti-node",
      "ServiceAccount/np",
      "Secret/np-identity",
      "DaemonSet/np",
    ]);
    expect(r.one("Namespace").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
    });
    const ds = r.one("DaemonSet");
    expect((ds.spec as { updateStrategy: unknown }).updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    const pod = podSpecOf(ds);
    expect(pod).toMatchObject({
      hostNetwork: true,
      dnsPolicy: "ClusterFirstWithHostNet",
      automountServiceAccountToken: false,
      nodeSelector: { "zeroport.io/ziti": "true" },
      tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
    });
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container).toMatchObject({
      image: "docker.io/openziti/ziti-edge-tunnel:1.18.7",
      args: ["run", "--dns-ip-range", "100.64.0.1/10"],
      livenessProbe: {
        exec: { command: TUNNEL_STATUS_PROBE },
        periodSeconds: 30,
        failureThreshold: 3,
        timeoutSeconds: 10,
      },
    });
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: true,
      privileged: true,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.volumes).toEqual([
      {
        name: "identity",
        secret: {
          secretName: "np-identity",
          defaultMode: 0o440,
          items: [{ key: "identity.json", path: "identity.json" }],
        },
      },
      { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
    ]);
    expect(container?.volumeMounts).toEqual([
      { name: "identity", mountPath: "/ziti-edge-tunnel", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(allSchemaProblems(r.manifests)).toEqual([]);
    expect(plainOccurrences(r.resources, "SECRETKEYMATERIAL")).toEqual([]);
  });

  test("narrows to NET_ADMIN and /dev/net/tun, and mounts D-Bus only for systemd-resolved", async () => {
    const pod = podSpecOf(
      (
        await proxy({ privilege: "netAdmin", systemdResolved: true, dnsUpstream: "10.96.0.10" })
      ).one("DaemonSet"),
    );
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      // ziti-edge-tunnel setgid()s to ziti (2171) for its command socket; root without
      // CAP_SETGID can do that only when ziti is already its group (ziti-edge-tunnel.c:1098).
      runAsGroup: 2171,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container?.args).toEqual([
      "run",
      "--dns-ip-range",
      "100.64.0.1/10",
      "--dns-upstream",
      "10.96.0.10",
    ]);
    expect((pod.volumes as unknown[]).slice(2)).toEqual([
      { name: "dev-net-tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } },
      {
        name: "system-bus-socket",
        hostPath: { path: "/var/run/dbus/system_bus_socket", type: "Socket" },
      },
    ]);
  });

  test("shares a ReadWriteMany identity volume when asked, seeded from the Secret", async () => {
    const r = await proxy({ persistence: { storageClassName: "nfs" } });
    expect(r.one("PersistentVolumeClaim").spec).toEqual({
      accessModes: ["ReadWriteMany"],
      resources: { requests: { storage: "100Mi" } },
      storageClassName: "nfs",
    });
    const [container] = podSpecOf(r.one("DaemonSet")).containers as { env: unknown[] }[];
    expect(container?.env).toContainEqual({
      name: "ZITI_IDENTITY_JSON",
      valueFrom: { secretKeyRef: { name: "np-identity", key: "identity.json" } },
    });
  });

  test("manages the coredns-custom forwarding for the Ziti domains", async () => {
    const r = await proxy({
      clusterDns: { zitiDomains: ["ziti.internal"], manage: "coredns-custom" },
    });
    const patch = r.resources.find((x) => x.type === "kubernetes:core/v1:ConfigMapPatch");
    expect(patch?.inputs.metadata).toMatchObject({
      name: "coredns-custom",
      namespace: "kube-system",
    });
    expect(patch?.inputs.data).toEqual({
      "zeroport-np.server":
        "ziti.internal:53 {\n    errors\n    cache 30\n    forward . 100.64.0.2\n}",
    });
  });

  test("refuses a one-time JWT, a nameserver outside the range, and a rollout of every node", () => {
    const r = NodeProxyDaemonsetArgsSchema.safeParse({
      identity: { jwt: jwt() },
      dnsIpRange: "10.0.0.254/24",
      maxUnavailable: "100%",
      clusterDns: { manage: "coredns-custom" },
    });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "maxUnavailable: must be a percentage from 1% to 99%, so the rollout never takes every node down at once",
      "identity: must be an enrolled identity (`json` or an existing Secret with contents json): a one-time JWT enrolls exactly one node and the others would race for it; run `ziti edge enroll` first",
      "dnsIpRange: must leave room for the nameserver at the tun address + 1 inside the range",
      "clusterDns.zitiDomains: must list at least one domain when clusterDns.manage is set",
    ]);
  });

  test("takes an IP address as dnsUpstream: ziti-edge-tunnel parses no port", () => {
    const r = NodeProxyDaemonsetArgsSchema.safeParse({
      identity: { json: identityJson() },
      dnsUpstream: "10.96.0.10:53",
      clusterDns: { nodeLocalDnsIp: "169.254.20.10\n    bind 0.0.0.0" },
    });
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual([
      "dnsUpstream",
      "clusterDns.nodeLocalDnsIp",
    ]);
  });

  test("reports bad input without creating anything", async () => {
    const error = (await proxy({ identity: { jwt: jwt() } }).catch(
      (e: unknown) => e,
    )) as ZeroportInputError;
    expect(error.issues.map((i) => i.path)).toEqual(["identity"]);
  });
});

describe("the node nameserver", () => {
  test.each([
    ["100.64.0.1/10", "100.64.0.2"],
    ["10.200.0.1/16", "10.200.0.2"],
    ["10.0.0.253/24", "10.0.0.254"],
    ["10.0.0.254/24", undefined],
    ["10.0.0.1/32", undefined],
    ["not-a-cidr", undefined],
  ])("%s serves DNS at %s", (range, nameserver) => {
    expect(zitiNameserver(range)).toBe(nameserver);
  });
});
