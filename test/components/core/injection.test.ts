// The injection transform (components/core/injection.ts), driven through the tproxy sidecar.
import { TPROXY_CONTAINER } from "../../../components/ziti/tproxy-sidecar";
import {
  WorkloadSelector,
  injectionTransform,
  type PodSpec,
} from "../../../components/core/injection";
import { allSchemaProblems } from "../../helpers/schema";
import type { Manifest } from "../../../cli/render";
import { app, injection } from "../ziti/tproxy-fixtures";

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
