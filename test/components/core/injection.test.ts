// The injection transform (components/core/injection.ts), driven through the tproxy sidecar.
import {
  TPROXY_CONTAINER,
  TproxySidecarArgsSchema,
  tproxyInjection,
} from "../../../components/ziti/tproxy-sidecar";
import {
  WorkloadSelector,
  injectionTransform,
  type PodSpec,
} from "../../../components/core/injection";
import { identityJson } from "../../helpers/fixtures";
import { allSchemaProblems } from "../../helpers/schema";
import type { Manifest } from "../../../cli/render";

const args = TproxySidecarArgsSchema.parse({
  namespace: "shop",
  identity: { json: identityJson() },
});
const identity = {
  secretName: "egress-identity",
  key: "identity.json",
  contents: "json" as const,
  namespace: "shop",
};
const injection = tproxyInjection(args, identity, "egress");
const app = {
  name: "app",
  image: "registry.example.com/web:1.0",
  ports: [{ containerPort: 8080 }],
};

export const TPROXY_CONTAINER_SPEC = {
  name: "ziti-tproxy",
  image: "docker.io/openziti/ziti-tunnel:2.0.3",
  imagePullPolicy: "IfNotPresent",
  args: [
    "tproxy",
    "--resolver",
    "udp://127.0.0.1:53",
    "--dnsSvcIpRange",
    "100.64.0.1/10",
    "--dnsUnanswerable",
    "refused",
  ],
  env: [
    { name: "ZITI_IDENTITY_DIR", value: "/netfoundry" },
    { name: "ZITI_IDENTITY_BASENAME", value: "identity" },
  ],
  volumeMounts: [
    { name: "ziti-tproxy-identity", mountPath: "/netfoundry", readOnly: true },
    { name: "ziti-tproxy-tmp", mountPath: "/tmp" },
    { name: "ziti-tproxy-run", mountPath: "/run" },
  ],
  resources: { requests: { cpu: "20m", memory: "48Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: false,
    runAsUser: 0,
    runAsGroup: 0,
    capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_BIND_SERVICE"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
  startupProbe: {
    exec: { command: ["ziti", "agent", "stats"] },
    timeoutSeconds: 5,
    periodSeconds: 2,
    failureThreshold: 90,
  },
  livenessProbe: {
    exec: { command: ["ziti", "agent", "stats"] },
    timeoutSeconds: 5,
    periodSeconds: 30,
    failureThreshold: 3,
  },
  restartPolicy: "Always",
};

describe("the transform", () => {
  const selector = WorkloadSelector.parse({ labels: { team: "shop" } });
  const transform = injectionTransform(injection, selector, "shop");
  const pod = { metadata: { labels: { team: "shop" } }, spec: { containers: [app] } };
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    [
      "Deployment",
      "kubernetes:apps/v1:Deployment",
      { spec: { template: pod } },
      ["spec", "template"],
    ],
    [
      "StatefulSet",
      "kubernetes:apps/v1:StatefulSet",
      { spec: { template: pod } },
      ["spec", "template"],
    ],
    [
      "DaemonSet",
      "kubernetes:apps/v1:DaemonSet",
      { spec: { template: pod } },
      ["spec", "template"],
    ],
    [
      "ReplicaSet",
      "kubernetes:apps/v1:ReplicaSet",
      { spec: { template: pod } },
      ["spec", "template"],
    ],
    ["Job", "kubernetes:batch/v1:Job", { spec: { template: pod } }, ["spec", "template"]],
    [
      "CronJob",
      "kubernetes:batch/v1:CronJob",
      { spec: { jobTemplate: { spec: { template: pod } } } },
      ["spec", "jobTemplate", "spec", "template"],
    ],
    ["Pod", "kubernetes:core/v1:Pod", { ...pod }, []],
  ];

  test.each(cases)("injects into a %s and labels its pod", async (kind, type, body, path) => {
    const props = {
      apiVersion: "x",
      kind,
      metadata: { name: "web", namespace: "shop", ...(kind === "Pod" ? pod.metadata : {}) },
      ...body,
    };
    const result = await transform({ type, name: "web", props, opts: {}, custom: true });
    let podNode = result?.props as Record<string, unknown>;
    for (const key of path) podNode = podNode[key] as Record<string, unknown>;
    const spec = podNode.spec as PodSpec;
    expect(spec.initContainers?.map((c) => c.name)).toEqual([TPROXY_CONTAINER]);
    expect(spec.containers).toEqual([app]);
    expect((podNode.metadata as { labels: Record<string, string> }).labels).toEqual({
      team: "shop",
      "zeroport.io/tproxy-sidecar": "egress",
    });
    expect(props).not.toBe(result?.props);
  });

  test("leaves unselected workloads and other kinds alone", async () => {
    const other = {
      metadata: { name: "web", namespace: "shop" },
      spec: { template: { metadata: { labels: { team: "other" } }, spec: { containers: [app] } } },
    };
    expect(
      await transform({
        type: "kubernetes:apps/v1:Deployment",
        name: "web",
        props: other,
        opts: {},
        custom: true,
      }),
    ).toBeUndefined();
    expect(
      await transform({
        type: "kubernetes:core/v1:ConfigMap",
        name: "c",
        props: { data: {} },
        opts: {},
        custom: true,
      }),
    ).toBeUndefined();
  });

  test("selects by resource name", async () => {
    const byName = injectionTransform(
      injection,
      WorkloadSelector.parse({ names: ["web"], kinds: ["Deployment"] }),
      "shop",
    );
    const props = {
      metadata: { name: "web" },
      spec: { template: { spec: { containers: [app] } } },
    };
    expect(
      await byName({
        type: "kubernetes:apps/v1:Deployment",
        name: "web",
        props,
        opts: {},
        custom: true,
      }),
    ).toBeDefined();
    expect(
      await byName({
        type: "kubernetes:apps/v1:StatefulSet",
        name: "web",
        props,
        opts: {},
        custom: true,
      }),
    ).toBeUndefined();
  });

  test("an injected Deployment is valid against the Kubernetes schema", async () => {
    const props = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop" },
      spec: { selector: { matchLabels: { team: "shop" } }, template: pod },
    };
    const result = await transform({
      type: "kubernetes:apps/v1:Deployment",
      name: "web",
      props,
      opts: {},
      custom: true,
    });
    expect(allSchemaProblems([result?.props as unknown as Manifest])).toEqual([]);
  });
});
