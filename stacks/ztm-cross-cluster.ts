import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { ZtmAgent, ZtmAgentArgsSchema } from "../components/ztm/agent";
import { ZtmHub, ZtmHubArgsSchema } from "../components/ztm/hub";
import { blueprintName, defineBlueprint } from "./blueprint";
import { examplePermit } from "./examples";

const Cluster = z
  .object({
    kubeconfigContext: z
      .string()
      .optional()
      .describe("The kubeconfig context of the cluster (the default context if unset)."),
  })
  .strict()
  .default({});

/**
 * Two clusters: the hub and an exit agent in cluster A, an agent with inbound tunnels in cluster B.
 * Cluster B reaches A's services through the mesh; neither opens a NodePort.
 */
export const ztmCrossClusterBlueprint = defineBlueprint({
  name: "ztm-cross-cluster",
  summary:
    "ZTM across two clusters: hub and exit agent in cluster A, an agent with inbound tunnels in cluster B",
  schema: z
    .object({
      name: blueprintName("ztm", "-agent-a"),
      clusterA: Cluster,
      clusterB: Cluster,
      hub: ZtmHubArgsSchema,
      agentA: ZtmAgentArgsSchema,
      agentB: ZtmAgentArgsSchema,
    })
    .strict(),
  example: {
    name: "ztm",
    clusterA: { kubeconfigContext: "cluster-a" },
    clusterB: { kubeconfigContext: "cluster-b" },
    hub: {
      namespace: { name: "ztm", create: true },
      names: ["hub.example.com:8888"],
      service: { type: "LoadBalancer", sourceRanges: ["198.51.100.0/24"] },
    },
    agentA: {
      namespace: "ztm",
      mesh: "cross-cluster",
      endpoint: "cluster-a",
      permit: { json: examplePermit(["hub.example.com:8888"]) },
      tunnels: { outbound: [{ name: "orders", targets: ["orders.shop.svc.cluster.local:8080"] }] },
    },
    agentB: {
      namespace: { name: "ztm", create: true },
      mesh: "cross-cluster",
      endpoint: "cluster-b",
      permit: { json: examplePermit(["hub.example.com:8888"]) },
      tunnels: { inbound: [{ name: "orders", port: 18080 }] },
      service: true,
    },
  },
  program: (config, input) => {
    const provider = (name: string, context: string | undefined) =>
      new k8s.Provider(`${config.name}-${name}`, context ? { context } : {});
    const a = provider("cluster-a", config.clusterA.kubeconfigContext);
    const b = provider("cluster-b", config.clusterB.kubeconfigContext);
    const hub = new ZtmHub(`${config.name}-hub`, input.hub, { providers: [a] });
    new ZtmAgent(`${config.name}-agent-a`, input.agentA, { providers: [a], dependsOn: [hub] });
    new ZtmAgent(`${config.name}-agent-b`, input.agentB, { providers: [b], dependsOn: [hub] });
  },
});
