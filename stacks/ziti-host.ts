import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { ZitiHost, ZitiHostArgsSchema } from "../components/ziti/ziti-host";
import { defineBlueprint } from "./blueprint";
import { EXAMPLE_JWT } from "./examples";

/** Host Ziti services for addresses in the cluster with no Service and no open port. */
export const zitiHostBlueprint = defineBlueprint({
  name: "ziti-host",
  summary:
    "ZitiHost: a ziti-edge-tunnel run-host Deployment that binds Ziti services to cluster addresses",
  schema: z
    .object({
      name: DnsLabel.default("ziti-host").describe("The component name; prefixes every object."),
      host: ZitiHostArgsSchema.describe("ZitiHost arguments."),
    })
    .strict(),
  example: {
    name: "ziti-host",
    host: {
      namespace: { name: "ziti", create: true },
      identity: { jwt: EXAMPLE_JWT },
    },
  },
  program: (config, input) => {
    new ZitiHost(config.name, input.host);
  },
});
