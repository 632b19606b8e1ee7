import { z } from "zod";
import { ZtmAgent, ZtmAgentArgsSchema } from "../components/ztm/agent";
import { ZtmHub, ZtmHubArgsSchema } from "../components/ztm/hub";
import { blueprintName, defineBlueprint } from "./blueprint";
import { examplePermit } from "./examples";

/** A hub and an in-cluster agent that exposes cluster services through an outbound tunnel and the proxy. */
export const ztmMeshBlueprint = defineBlueprint({
  name: "ztm-mesh",
  summary:
    "ZtmHub and ZtmAgent: cluster services reachable through a ZTM tunnel mesh instead of NodePort or LoadBalancer",
  schema: z
    .object({
      name: blueprintName("ztm", "-agent"),
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
      permit: { json: examplePermit(["ztm-hub.ztm.svc:8888"]) },
      tunnels: { outbound: [{ name: "web", targets: ["web.shop.svc.cluster.local:8080"] }] },
      proxy: { targets: ["*.svc.cluster.local"] },
    },
  },
  program: (config, input) => {
    const hub = new ZtmHub(`${config.name}-hub`, input.hub);
    new ZtmAgent(`${config.name}-agent`, input.agent, { dependsOn: [hub] });
  },
});
