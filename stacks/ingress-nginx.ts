import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import {
  NginxZitiIngress,
  NginxZitiIngressArgsSchema,
} from "../components/ziti/nginx-ziti-ingress";
import { defineBlueprint } from "./blueprint";
import { EXAMPLE_IDENTITY_JSON } from "./examples";

/** nginx with the OpenZiti module binding Ziti services to cluster upstreams, listening on nothing. */
export const ingressNginxBlueprint = defineBlueprint({
  name: "ingress-nginx",
  summary:
    "NginxZitiIngress: nginx with ngx_ziti_module binds Ziti services to upstreams in the cluster",
  schema: z
    .object({ name: DnsLabel.default("nginx-ziti"), nginx: NginxZitiIngressArgsSchema })
    .strict(),
  example: {
    name: "nginx-ziti",
    nginx: {
      namespace: { name: "nginx-ziti", create: true },
      identity: { json: EXAMPLE_IDENTITY_JSON },
      // Built from images/nginx-ziti and pushed to your registry.
      image: "registry.example.com/nginx-ziti:1.23.3-1",
      binds: [{ service: "k8s-api", upstream: "kubernetes.default.svc:443" }],
      expectedConnections: 32,
    },
  },
  program: (config, input) => {
    new NginxZitiIngress(config.name, input.nginx);
  },
});
