import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { TproxySidecar, TproxySidecarArgsSchema } from "../components/ziti/tproxy-sidecar";
import { defineBlueprint } from "./blueprint";
import { EXAMPLE_IDENTITY_JSON } from "./examples";
import { SampleClientArgs, sampleClient } from "./sample-client";

/** A workload that dials Ziti services by name, intercepted transparently in its own pod. */
export const egressTproxyBlueprint = defineBlueprint({
  name: "egress-tproxy",
  summary:
    "TproxySidecar: transparent interception in one pod (ziti tunnel tproxy), injected into a sample client",
  schema: z
    .object({
      name: DnsLabel.default("egress-tproxy"),
      sidecar: TproxySidecarArgsSchema,
      client: SampleClientArgs,
    })
    .strict(),
  example: {
    name: "egress-tproxy",
    sidecar: {
      namespace: { name: "ziti-egress", create: true },
      identity: { json: EXAMPLE_IDENTITY_JSON },
      select: { labels: { app: "ziti-client" } },
      // The sample client (curlimages/curl) is Alpine, so musl: only the Ziti resolver answers,
      // and it asks cluster DNS over TCP so that large answers arrive whole (U29).
      dnsUpstream: "tcp://10.96.0.10:53",
    },
    client: { name: "ziti-client", url: "http://hello.ziti.internal/" },
  },
  program: (config, input) => {
    const sidecar = new TproxySidecar(config.name, input.sidecar);
    sampleClient(config.client, config.sidecar.namespace.name, { dependsOn: [sidecar] }, (props) =>
      sidecar.injectWorkload("Deployment", props),
    );
  },
});
