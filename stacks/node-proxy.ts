import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import {
  NodeProxyDaemonset,
  NodeProxyDaemonsetArgsSchema,
} from "../components/ziti/node-proxy-daemonset";
import { defineBlueprint } from "./blueprint";
import { EXAMPLE_IDENTITY_JSON } from "./examples";
import { SampleClientArgs, sampleClient } from "./sample-client";

/** Every pod on the selected nodes reaches Ziti services through the node's tunneler. */
export const nodeProxyBlueprint = defineBlueprint({
  name: "node-proxy",
  summary:
    "NodeProxyDaemonset: ziti-edge-tunnel run on selected nodes, with cluster DNS forwarding for Ziti names",
  schema: z
    .object({
      name: DnsLabel.default("ziti-node-proxy"),
      proxy: NodeProxyDaemonsetArgsSchema,
      client: SampleClientArgs.extend({ namespace: DnsLabel.default("default") }),
    })
    .strict(),
  example: {
    name: "ziti-node-proxy",
    proxy: {
      namespace: { name: "ziti-node", create: true },
      identity: { json: EXAMPLE_IDENTITY_JSON },
      nodeSelector: { "kubernetes.io/os": "linux" },
      clusterDns: { zitiDomains: ["ziti.internal"] },
    },
    client: { name: "ziti-client", url: "http://hello.ziti.internal/", namespace: "default" },
  },
  program: (config, input) => {
    const proxy = new NodeProxyDaemonset(config.name, input.proxy);
    const { namespace, ...client } = config.client;
    sampleClient(client, namespace, { dependsOn: [proxy] });
  },
});
