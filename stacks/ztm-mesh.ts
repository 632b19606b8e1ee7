import { z } from "zod";
import { ZtmAgent, ZtmAgentArgsSchema } from "../components/ztm/agent";
import { ZtmHub, ZtmHubArgsSchema } from "../components/ztm/hub";
import { blueprintName, defineBlueprint } from "./blueprint";
import { ProgramCaSwitch, agentsWithProgramCa, hubWithProgramCa } from "./ztm-program-ca";

/** A hub and an in-cluster agent that exposes cluster services through an outbound tunnel and the proxy. */
export const ztmMeshBlueprint = defineBlueprint({
  name: "ztm-mesh",
  summary:
    "ZtmHub and ZtmAgent: cluster services reachable through a ZTM tunnel mesh instead of NodePort or LoadBalancer",
  schema: z
    .object({
      name: blueprintName("ztm", "-agent"),
      programCa: ProgramCaSwitch,
      hub: ZtmHubArgsSchema,
      agent: ZtmAgentArgsSchema,
    })
    .strict(),
  example: {
    name: "ztm",
    hub: {
      namespace: { name: "ztm", create: true },
      names: ["hub.example.com:8888"],
      service: { type: "LoadBalancer", sourceRanges: ["203.0.113.0/24"] },
    },
    agent: {
      namespace: "ztm",
      mesh: "cluster-mesh",
      endpoint: "cluster-a",
      // Issued by the program CA (programCa: true); the hub's Service in the cluster.
      permit: {
        fromCertificate: { secretName: "ztm-mesh-agent", bootstraps: ["ztm-hub.ztm.svc:8888"] },
      },
      tunnels: { outbound: [{ name: "web", targets: ["web.shop.svc.cluster.local:8080"] }] },
      proxy: { targets: ["*.svc.cluster.local"] },
    },
  },
  program: (config, input) => {
    const hub = new ZtmHub(
      `${config.name}-hub`,
      config.programCa ? hubWithProgramCa(config.name, input.hub) : input.hub,
    );
    const [agent = input.agent] = config.programCa
      ? agentsWithProgramCa(
          config.name,
          config.hub.namespace.name,
          [{ args: input.agent, local: true }],
          { dependsOn: [hub] },
        ).agents
      : [input.agent];
    new ZtmAgent(`${config.name}-agent`, agent, { dependsOn: [hub] });
  },
});
