// The CrossGuard adapter, called the way the policy server calls it (see @pulumi/policy's
// server.js): props behind unknownCheckingProxy, one validation per policy in pack order.
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { objectFromResource, zeroportPack } from "../../../policy/crossguard/pack";

// Exported by @pulumi/policy 1.21 for test helpers, but its typings (proxy.d.ts) are empty.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy") as {
  unknownCheckingProxy: <T>(value: T) => T;
  UnknownValueError: new (message: string) => Error;
};
import { POLICY_NAMES } from "../../../policy/config";

/** The sentinel @pulumi/policy uses for an unknown string during preview (proxy.ts). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const policies = zeroportPack().policies;
const resourcePolicies = policies.filter(
  (p): p is ResourceValidationPolicy => "validateResource" in p,
);

function args(
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
  urn = `urn:${type}`,
): ResourceValidationArgs {
  return {
    type,
    props: unknownCheckingProxy(props),
    urn,
    name: "r",
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T>() => config as T,
    notApplicable: () => {
      throw new Error("not applicable");
    },
  };
}

/** Runs every resource policy on one resource, as the server does, and collects violations by policy. */
async function analyze(
  type: string,
  props: Record<string, unknown>,
  config: Record<string, Record<string, unknown>> = {},
) {
  const out: Record<string, string[]> = {};
  for (const p of resourcePolicies) {
    const validations = Array.isArray(p.validateResource)
      ? p.validateResource
      : [p.validateResource];
    for (const v of validations) {
      await v?.(args(type, props, config[p.name]), (message) => (out[p.name] ??= []).push(message));
    }
  }
  return out;
}

/**
 * The pack keeps the shared settings from the first policy's config for the rules after it, as a
 * run with one config does; a test that changes the config first runs one resource through it.
 */
async function prime(config: Record<string, Record<string, unknown>>) {
  await analyze("kubernetes:core/v1:ConfigMap", { metadata: { name: "first" } }, config);
}

const nodePortService = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "shop" },
  spec: { type: "NodePort", ports: [{ port: 80, nodePort: 31080 }] },
};

describe("the CrossGuard pack", () => {
  test("has every policy, exemptions first, with the documented levels", () => {
    expect(policies.map((p) => `${p.name}:${p.enforcementLevel}`)).toEqual([
      "exposure-exemptions:advisory",
      "no-nodeport-services:mandatory",
      "no-loadbalancer-node-ports:mandatory",
      "loadbalancer-source-ranges:advisory",
      "no-service-external-ips:mandatory",
      "no-host-ports:mandatory",
      "no-host-network-listeners:mandatory",
      "host-network-pods:mandatory",
      "zero-exposure:advisory",
    ]);
    expect(policies.map((p) => p.name)).toEqual(POLICY_NAMES);
  });

  test("declares its options as config schema with defaults", () => {
    const hostPorts = policies.find((p) => p.name === "no-host-ports");
    expect(Object.keys(hostPorts?.configSchema?.properties ?? {})).toEqual([
      "exemptNamespaces",
      "allowedHostPorts",
      "allowedHostPortRanges",
    ]);
  });

  test("judges a Service and a ServicePatch alike", async () => {
    expect(await analyze("kubernetes:core/v1:Service", nodePortService)).toEqual({
      "no-nodeport-services": [expect.stringMatching(/^Service shop\/web is of type NodePort/)],
    });
    expect(
      await analyze("kubernetes:core/v1:ServicePatch", {
        metadata: { name: "web" },
        spec: { type: "NodePort" },
      }),
    ).toEqual({
      "no-nodeport-services": [expect.stringMatching(/^Service web is of type NodePort/)],
    });
  });

  test("judges workload patches and ignores non-Kubernetes resources", async () => {
    const spec = {
      template: {
        spec: { containers: [{ name: "c", ports: [{ containerPort: 53, hostPort: 53 }] }] },
      },
    };
    expect(
      Object.keys(
        await analyze("kubernetes:apps/v1:DaemonSetPatch", { metadata: { name: "d" }, spec }),
      ),
    ).toEqual(["no-host-ports"]);
    expect(
      await analyze("random:index/randomString:RandomString", { spec: { type: "NodePort" } }),
    ).toEqual({});
    expect(objectFromResource("kubernetes:core/v1:ServiceList", {})).toBeUndefined();
    expect(objectFromResource("kubernetes:helm.sh/v4:Chart", {})).toEqual({ kind: "Chart" });
  });

  test("reports exemptions through the exemptions policy, for the same resource", async () => {
    const exempt = {
      ...nodePortService,
      metadata: {
        name: "web",
        namespace: "shop",
        annotations: { "zeroport.io/exposure-exception": "lab only" },
      },
    };
    expect(await analyze("kubernetes:core/v1:Service", exempt)).toEqual({
      "exposure-exemptions": [
        expect.stringMatching(
          /^no-nodeport-services: exempt \(zeroport\.io\/exposure-exception: lab only; this config lists no grants/,
        ),
      ],
    });
    // A rule's own options reach the report from the second resource on (config is fixed for a run).
    const config = { "no-nodeport-services": { exemptNamespaces: ["shop"] } };
    await prime(config);
    expect(await analyze("kubernetes:core/v1:Service", nodePortService, config)).toEqual({
      "exposure-exemptions": [
        expect.stringMatching(
          /^no-nodeport-services: exempt \(namespace shop is exempt by configuration\)/,
        ),
      ],
    });
  });

  test("grants and system namespaces come from the exemptions policy's config", async () => {
    await prime({});
    const annotated = {
      ...nodePortService,
      metadata: {
        name: "web",
        namespace: "shop",
        annotations: { "zeroport.io/exposure-exception": "lab" },
      },
    };
    const grant = {
      namespace: "shop",
      kind: "Service",
      name: "web",
      policies: ["no-nodeport-services"],
      reason: "the lab's load tester",
      owner: "team-lab",
      expires: "2999-01-01",
    };
    expect(
      await analyze("kubernetes:core/v1:Service", annotated, {
        "exposure-exemptions": { grants: [grant] },
      }),
    ).toEqual({
      "exposure-exemptions": [
        expect.stringMatching(
          /exempt \(zeroport\.io\/exposure-exception: lab; granted by team-lab until 2999-01-01/,
        ),
      ],
    });
    const ungranted = await analyze("kubernetes:core/v1:Service", annotated, {
      "exposure-exemptions": { grants: [{ ...grant, name: "other" }] },
    });
    expect(ungranted["no-nodeport-services"]?.[0]).toMatch(
      /no grant covers it: ask a cluster admin/,
    );
    const system = { ...nodePortService, metadata: { name: "web", namespace: "ops" } };
    expect(
      Object.keys(
        await analyze("kubernetes:core/v1:Service", system, {
          "exposure-exemptions": { systemNamespaces: ["ops"] },
        }),
      ),
    ).toEqual(["exposure-exemptions"]);
  });

  test("an unknown value during preview makes the policy say it cannot decide, not crash", () => {
    const p = resourcePolicies.find(
      (x) => x.name === "no-nodeport-services",
    ) as ResourceValidationPolicy;
    const validate = p.validateResource as (
      a: ResourceValidationArgs,
      r: (m: string) => void,
    ) => void;
    expect(() =>
      validate(
        args("kubernetes:core/v1:Service", { spec: { type: UNKNOWN_STRING } }),
        () => undefined,
      ),
    ).toThrow(UnknownValueError);
    // An unknown field the policy does not read does not matter.
    const reported: string[] = [];
    validate(
      args("kubernetes:core/v1:Service", {
        metadata: { name: "web", labels: UNKNOWN_STRING },
        spec: { type: "NodePort" },
      }),
      (m) => reported.push(m),
    );
    expect(reported).toHaveLength(1);
  });

  test("remediates NodePort to ClusterIP and LoadBalancer node ports off", async () => {
    const remediate = (name: string, type: string, props: Record<string, unknown>) =>
      resourcePolicies.find((p) => p.name === name)?.remediateResource?.(args(type, props));
    expect(
      await remediate("no-nodeport-services", "kubernetes:core/v1:Service", nodePortService),
    ).toEqual({
      ...nodePortService,
      spec: { type: "ClusterIP", ports: [{ port: 80 }] },
    });
    const lb = { ...nodePortService, spec: { type: "LoadBalancer", ports: [{ port: 443 }] } };
    expect(await remediate("no-loadbalancer-node-ports", "kubernetes:core/v1:Service", lb)).toEqual(
      {
        ...lb,
        spec: {
          type: "LoadBalancer",
          ports: [{ port: 443 }],
          allocateLoadBalancerNodePorts: false,
        },
      },
    );
    const annotated = {
      ...nodePortService,
      metadata: { name: "x", annotations: { "zeroport.io/exposure-exception": "kept on purpose" } },
    };
    await prime({});
    expect(
      await remediate("no-nodeport-services", "kubernetes:core/v1:Service", annotated),
    ).toBeUndefined();
  });

  test("zero-exposure lists every exposed resource in the stack with its URN", async () => {
    const stack = policies.find((p) => p.name === "zero-exposure") as StackValidationPolicy;
    const resource = (type: string, props: Record<string, unknown>, urn: string) =>
      ({ type, props, urn, name: urn }) as unknown as PolicyResource;
    const reported: [string, string | undefined][] = [];
    await stack.validateStack(
      {
        resources: [
          resource("kubernetes:core/v1:Service", nodePortService, "urn:svc"),
          resource(
            "kubernetes:networking.k8s.io/v1:Ingress",
            { metadata: { name: "web", namespace: "shop" } },
            "urn:ing",
          ),
          resource("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" } }, "urn:cm"),
        ],
        getConfig: <T>() => ({}) as T,
        stackTags: new Map(),
        notApplicable: () => undefined as never,
      },
      (message, urn) => reported.push([message, urn]),
    );
    expect(reported).toEqual([
      [
        "Service shop/web is reachable from outside the cluster: a NodePort Service (a port on every node).",
        "urn:svc",
      ],
      [
        "Ingress shop/web is reachable from outside the cluster: an Ingress routing outside traffic in.",
        "urn:ing",
      ],
    ]);
  });
});
