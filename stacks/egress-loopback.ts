import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { LoopbackSidecar, LoopbackSidecarArgsSchema } from "../components/ziti/loopback-sidecar";
import { defineBlueprint } from "./blueprint";
import { EXAMPLE_IDENTITY_JSON } from "./examples";
import { SampleClientArgs, sampleClient } from "./sample-client";

/** A workload that reaches each Ziti service on a local port: no interception, no privilege. */
export const egressLoopbackBlueprint = defineBlueprint({
  name: "egress-loopback",
  summary:
    "LoopbackSidecar: a local port per Ziti service (ziti tunnel proxy), injected into a sample client",
  schema: z
    .object({
      name: DnsLabel.default("egress-loopback"),
      sidecar: LoopbackSidecarArgsSchema,
      client: SampleClientArgs,
    })
    .strict(),
  example: {
    name: "egress-loopback",
    sidecar: {
      namespace: { name: "ziti-loopback", create: true },
      identity: { json: EXAMPLE_IDENTITY_JSON },
      services: [{ name: "hello-service", port: 8080 }],
      select: { labels: { app: "ziti-client" } },
    },
    client: { name: "ziti-client", url: "http://127.0.0.1:8080/" },
  },
  program: (config, input) => {
    const sidecar = new LoopbackSidecar(config.name, input.sidecar);
    sampleClient(config.client, config.sidecar.namespace.name, { dependsOn: [sidecar] }, (props) =>
      sidecar.injectWorkload("Deployment", props),
    );
  },
});
