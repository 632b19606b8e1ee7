import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { ZitiHost, ZitiHostArgsSchema } from "../components/ziti-host";
import { defineBlueprint } from "./blueprint";

/**
 * A syntactically valid enrollment JWT with made-up claims, so the example renders. It enrolls
 * nowhere: replace it with `ziti edge create identity <name> --jwt-output-file <file>`.
 */
export const EXAMPLE_JWT =
  [
    { alg: "RS256", typ: "JWT" },
    {
      em: "ott",
      iss: "https://ziti.example.com:1280",
      jti: "00000000-0000-4000-8000-000000000000",
      sub: "example",
    },
  ]
    .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
    .join(".") + ".ZXhhbXBsZS1zaWduYXR1cmU";

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
