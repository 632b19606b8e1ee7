import {
  TproxySidecar,
  TproxySidecarArgsSchema,
  tproxyInjection,
  type TproxySidecarArgs,
  tproxyDnsConfig,
} from "../../../components/ziti/tproxy-sidecar";
import { type PodSpec } from "../../../components/core/injection";
import { identityJson, jwt } from "../../helpers/fixtures";
import { plainOccurrences, render } from "../../helpers/mocks";
import type { ZeroportInputError } from "../../../components/core/validation";
import { TPROXY_CONTAINER_SPEC, app, args, identity, injection } from "./tproxy-fixtures";

const workload = { kind: "Deployment", name: "web", namespace: "shop", replicas: 2 };
const userSpec: PodSpec = {
  containers: [app],
  initContainers: [{ name: "migrate", image: "registry.example.com/migrate:1.0" }],
};

describe("injecting the tproxy sidecar into a pod spec", () => {
  const injected = injection.inject(userSpec, workload);

  test("starts the tunnel as the first init container, a native sidecar", () => {
    expect(injected.initContainers).toEqual([TPROXY_CONTAINER_SPEC, userSpec.initContainers?.[0]]);
  });

  test("leaves the user's containers untouched", () => {
    expect(injected.containers).toEqual([app]);
    expect(userSpec.initContainers).toHaveLength(1);
  });

  test("points pod DNS at the Ziti nameserver first, then cluster DNS", () => {
    expect(injected.dnsPolicy).toBe("None");
    expect(injected.dnsConfig).toEqual({
      nameservers: ["127.0.0.1", "10.96.0.10"],
      searches: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      options: [{ name: "ndots", value: "5" }],
    });
  });

  test("mounts the identity from the Secret, read-only", () => {
    expect(injected.volumes).toEqual([
      {
        name: "ziti-tproxy-identity",
        secret: {
          secretName: "egress-identity",
          defaultMode: 0o444,
          items: [{ key: "identity.json", path: "identity.json" }],
        },
      },
      { name: "ziti-tproxy-tmp", emptyDir: { sizeLimit: "16Mi" } },
      { name: "ziti-tproxy-run", emptyDir: { sizeLimit: "1Mi" } },
    ]);
  });

  test("injecting twice changes nothing", () => {
    expect(injection.inject(injected, workload)).toEqual(injected);
  });

  test("runs as a plain container when asked, for clusters before 1.29", () => {
    const plain = tproxyInjection({ ...args, start: "container" }, identity, "egress").inject(
      { containers: [app] },
      workload,
    );
    const { restartPolicy: _r, ...container } = TPROXY_CONTAINER_SPEC;
    expect(plain.containers).toEqual([app, container]);
    expect(plain.initContainers).toBeUndefined();
  });

  test("with a JWT, enrolls into a writable volume from the token Secret", () => {
    const jwtIdentity = { ...identity, contents: "jwt" as const, key: "enrollment.jwt" };
    const spec = tproxyInjection(args, jwtIdentity, "egress").inject(
      { containers: [app] },
      { ...workload, kind: "Pod", replicas: undefined },
    );
    expect(spec.volumes?.slice(0, 2)).toEqual([
      { name: "ziti-tproxy-identity", emptyDir: { sizeLimit: "16Mi" } },
      {
        name: "ziti-tproxy-enrollment-token",
        secret: {
          secretName: "egress-identity",
          defaultMode: 0o444,
          items: [{ key: "enrollment.jwt", path: "identity.jwt" }],
        },
      },
    ]);
    expect(
      (spec.initContainers?.[0] as { volumeMounts: unknown[] }).volumeMounts.slice(0, 2),
    ).toEqual([
      { name: "ziti-tproxy-identity", mountPath: "/netfoundry" },
      {
        name: "ziti-tproxy-enrollment-token",
        mountPath: "/var/run/secrets/netfoundry.io/enrollment-token",
        readOnly: true,
      },
    ]);
  });

  test("passes an upstream resolver when given", () => {
    const withUpstream = TproxySidecarArgsSchema.parse({
      identity: { json: identityJson() },
      dnsUpstream: "udp://10.43.0.10:53",
    });
    const spec = tproxyInjection(withUpstream, { ...identity, namespace: "default" }, "e").inject(
      { containers: [app] },
      { ...workload, namespace: "default" },
    );
    expect((spec.initContainers?.[0] as { args: string[] }).args.slice(-2)).toEqual([
      "--dnsUpstream",
      "udp://10.43.0.10:53",
    ]);
  });
});

describe("pod DNS", () => {
  test("cluster DNS second, or only the Ziti resolver when it forwards the rest (musl clients)", () => {
    expect(tproxyDnsConfig(args, "shop").nameservers).toEqual(["127.0.0.1", "10.96.0.10"]);
    const forwarding = TproxySidecarArgsSchema.parse({
      namespace: "shop",
      identity: { json: identityJson() },
      dnsUpstream: "udp://10.96.0.10:53",
    });
    expect(tproxyDnsConfig(forwarding, "shop").nameservers).toEqual(["127.0.0.1"]);
  });
});

describe("refusals", () => {
  test.each([
    [
      "a hostNetwork pod",
      { containers: [app], hostNetwork: true },
      workload,
      "the pod uses hostNetwork",
    ],
    [
      "a pod with its own nameservers",
      { containers: [app], dnsPolicy: "None", dnsConfig: { nameservers: ["8.8.8.8"] } },
      workload,
      "the pod sets dnsPolicy None with nameservers 8.8.8.8; the Ziti nameserver must come first",
    ],
    [
      "a second tproxy tunneler",
      {
        containers: [
          app,
          { name: "other-tunnel", image: "openziti/ziti-tunnel:2.0.3", args: ["tproxy"] },
        ],
      },
      workload,
      "container other-tunnel already runs a tproxy tunneler",
    ],
    [
      "a pod in another namespace",
      { containers: [app] },
      { ...workload, namespace: "other" },
      "the identity Secret egress-identity is in namespace shop",
    ],
  ])("%s", (_, spec, w, reason) => {
    expect(() => injection.inject(spec as PodSpec, w)).toThrow(
      `cannot inject into ${w.kind} ${w.namespace}/web: ${reason}`,
    );
  });

  test.each([
    ["Deployment", 1],
    ["Deployment", 2],
    ["StatefulSet", 1],
    ["ReplicaSet", 1],
    ["DaemonSet", undefined],
    ["Job", undefined],
    ["CronJob", undefined],
  ])("a one-time JWT in a %s (replicas %s): its pods get replaced", (kind, replicas) => {
    // The controller spends an OTT at first use (ziti controller/model/enrollment_mod_ott.go), and
    // the sidecar enrolls into an emptyDir: a replacement pod can never enroll again.
    const jwtInjection = tproxyInjection(args, { ...identity, contents: "jwt" }, "egress");
    expect(() =>
      jwtInjection.inject({ containers: [app] }, { ...workload, kind, replicas }),
    ).toThrow(
      `a one-time enrollment JWT is spent by the first pod that enrolls it, and a ${kind} replaces its pods`,
    );
  });
});

describe("the TproxySidecar component", () => {
  test("creates a privileged-level namespace and the identity Secret, nothing inline", async () => {
    const doc = identityJson();
    const r = await render(
      () =>
        new TproxySidecar("egress", {
          namespace: { name: "shop", create: true },
          identity: { json: doc },
        }),
    );
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "Namespace/shop",
      "Secret/egress-identity",
    ]);
    expect(r.one("Namespace").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
    });
    expect(plainOccurrences(r.resources, "SECRETKEYMATERIAL")).toEqual([]);
  });

  test("reports bad arguments at once", async () => {
    const bad = {
      identity: { jwt: jwt() },
      resolver: "udp://10.0.0.1:5353",
      select: {},
      dnsIpRange: "100.64.0.1/31",
    } as TproxySidecarArgs;
    const error = (await render(() => new TproxySidecar("e", bad)).catch(
      (e: unknown) => e,
    )) as ZeroportInputError;
    expect(error.issues).toEqual([
      {
        path: "select",
        reason: "set `labels` or `names`: a selector that matches everything is refused",
      },
      {
        path: "resolver",
        reason: "must be UDP on a loopback address at port 53, such as udp://127.0.0.1:53",
      },
      { path: "dnsIpRange", reason: "must leave room for Ziti names: a prefix of /30 or shorter" },
    ]);
  });
});
