import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { ZtmAgent, ZtmAgentArgsSchema } from "../components/ztm/agent";
import { ZtmHub, ZtmHubArgsSchema } from "../components/ztm/hub";
import { blueprintName, defineBlueprint } from "./blueprint";
import {
  ProgramCaSwitch,
  agentsWithProgramCa,
  hubWithProgramCa,
  remotePermitSecret,
} from "./ztm-program-ca";

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
      programCa: ProgramCaSwitch,
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
      permit: {
        fromCertificate: { secretName: "ztm-mesh-agent-a", bootstraps: ["ztm-hub.ztm.svc:8888"] },
      },
      tunnels: { outbound: [{ name: "orders", targets: ["orders.shop.svc.cluster.local:8080"] }] },
    },
    agentB: {
      namespace: { name: "ztm", create: true },
      mesh: "cross-cluster",
      endpoint: "cluster-b",
      // The program copies this permit's Secret into cluster B.
      permit: {
        fromCertificate: { secretName: "ztm-mesh-agent-b", bootstraps: ["hub.example.com:8888"] },
      },
      tunnels: { inbound: [{ name: "orders", port: 18080 }] },
      service: true,
    },
  },
  program: (config, input) => {
    const provider = (name: string, context: string | undefined) =>
      new k8s.Provider(`${config.name}-${name}`, context ? { context } : {});
    const a = provider("cluster-a", config.clusterA.kubeconfigContext);
    const b = provider("cluster-b", config.clusterB.kubeconfigContext);
    const hub = new ZtmHub(
      `${config.name}-hub`,
      config.programCa ? hubWithProgramCa(config.name, input.hub) : input.hub,
      { providers: [a] },
    );
    const mesh = config.programCa
      ? agentsWithProgramCa(
          config.name,
          config.hub.namespace.name,
          [
            { args: input.agentA, local: true },
            { args: input.agentB, local: false },
          ],
          { providers: [a], dependsOn: [hub] },
        )
      : undefined;
    const [agentA = input.agentA, agentB = input.agentB] = mesh?.agents ?? [];
    new ZtmAgent(`${config.name}-agent-a`, agentA, { providers: [a], dependsOn: [hub] });
    const remote = new ZtmAgent(`${config.name}-agent-b`, agentB, {
      providers: [b],
      dependsOn: [hub],
    });
    // Agent B's permit Secret lives in cluster B, beside it.
    if (mesh)
      remotePermitSecret(config.name, mesh.ca, agentB, {
        namespace: remote.namespace,
        provider: b,
        suffix: "cluster-b",
      });
  },
});
