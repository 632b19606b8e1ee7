/**
 * The parts of RouterTunneler's args that describe what the router listens on and how its built-in
 * tunneler works: listeners (edge, link), proxy services, and the tunnel modes.
 */
import { z } from "zod";
import { ServiceExposure } from "../core/exposure";
import { Cidr4, DnsUri, parseIPv4 } from "../core/net";
import { DnsSubdomain, Port } from "../core/schemas";

const Host = z
  .string()
  .refine(
    (h) => parseIPv4(h) !== undefined || DnsSubdomain.safeParse(h).success,
    "must be a DNS name (lower case) or an IPv4 address that clients use to reach the router",
  );

export const Listener = z
  .object({
    advertisedHost: Host.describe(
      "The name clients dial; it goes into the certificate's SANs at enrollment.",
    ),
    advertisedPort: Port.default(443),
    containerPort: Port.min(1024, "must be 1024 or above: the router runs as non-root").default(
      3022,
    ),
    service: ServiceExposure,
  })
  .strict();
export type RouterListener = z.output<typeof Listener>;

export const ProxyService = z
  .object({
    name: z.string().regex(/^[^:\s][^:]*$/, "must be a Ziti service name without ':'"),
    port: Port.min(1024, "must be 1024 or above: the router runs as non-root"),
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
  })
  .strict();

export const Tunnel = z
  .discriminatedUnion("mode", [
    z.object({ mode: z.literal("host") }).strict(),
    z.object({ mode: z.literal("none") }).strict(),
    z
      .object({
        mode: z.literal("tproxy"),
        resolver: DnsUri.default("udp://127.0.0.1:53"),
        dnsSvcIpRange: Cidr4.default("100.64.0.1/10"),
      })
      .strict(),
    z
      .object({
        mode: z.literal("proxy"),
        services: z.array(ProxyService).min(1, "must list at least one service to proxy"),
        service: z
          .enum(["clusterIP", "headless"])
          .default("clusterIP")
          .describe("The Service in front of the proxy ports."),
      })
      .strict(),
  ])
  .default({ mode: "host" });
