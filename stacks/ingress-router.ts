import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { RouterTunneler, RouterTunnelerArgsSchema } from "../components/ziti/router-tunneler";
import { defineBlueprint } from "./blueprint";
import { EXAMPLE_ROUTER_JWT } from "./examples";

/** A private edge router in the cluster hosting Ziti services for cluster addresses. */
export const ingressRouterBlueprint = defineBlueprint({
  name: "ingress-router",
  summary:
    "RouterTunneler: a private OpenZiti edge router whose tunneler hosts services for cluster addresses",
  schema: z
    .object({ name: DnsLabel.default("ziti-router"), router: RouterTunnelerArgsSchema })
    .strict(),
  example: {
    name: "ziti-router",
    router: {
      namespace: { name: "ziti-router", create: true },
      enrollment: { jwt: EXAMPLE_ROUTER_JWT },
      controller: { endpoint: "ziti.example.com:1280" },
    },
  },
  program: (config, input) => {
    new RouterTunneler(config.name, input.router);
  },
});
