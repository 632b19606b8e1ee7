/**
 * The apps an agent declares, tunnels and a proxy: their argument schemas, and the desired state
 * the in-pod reconciler applies through the agent API.
 */
import { z } from "zod";
import { Port } from "../core/schemas";
import { ZtmName, parseHostPort } from "./common";
import type { ResolvedZtmAgentArgs } from "./agent";
import type { DesiredState } from "./reconciler-in-pod";

const Target = z
  .string()
  .refine(
    (t) => /^[A-Za-z0-9.-]+$/.test(parseHostPort(t)?.host ?? ""),
    "must be host:port (a DNS name or IPv4 address, a port 1-65535)",
  );
const Protocol = z.enum(["tcp", "udp"]).default("tcp");
const AgentPort = Port.min(1024, "must be 1024 or above: the agent runs as non-root");

export const Outbound = z
  .object({
    name: ZtmName,
    protocol: Protocol,
    targets: z.array(Target).min(1, "must list at least one target host:port"),
    entrances: z.array(ZtmName).default([]).describe("Endpoints allowed in (empty: any)."),
    users: z.array(ZtmName).default([]).describe("Users allowed (empty: any)."),
  })
  .strict();

export const Inbound = z
  .object({
    name: ZtmName,
    protocol: Protocol,
    port: AgentPort.describe("Listens on 0.0.0.0:<port> in the pod."),
    exits: z
      .array(z.string())
      .default([])
      .describe("Exit endpoint ids to pin (empty: any online exit)."),
  })
  .strict();

export const Proxy = z
  .object({
    port: AgentPort.optional().describe("Listen here (HTTP and SOCKS)."),
    targets: z
      .array(z.string().min(1))
      .default([])
      .describe("What this endpoint reaches as an exit: `*.svc.cluster.local`, CIDRs."),
    exclusions: z.array(z.string().min(1)).default([]),
    rules: z
      .array(
        z
          .object({
            users: z.array(z.string()).default([]),
            groups: z.array(z.string()).default([]),
            targets: z.array(z.string()).default([]),
            action: z.enum(["allow", "deny"]),
          })
          .strict()
          // ztm v1.0.4 proxy/api.js:141-171 merges a rule's group members into its users, and
          // isAllowed (:390-403) skips the user check when that list is empty: a group that
          // resolves to nobody (or cannot be read) turns the rule into "everyone".
          .refine((r) => !(r.action === "allow" && r.groups.length > 0 && r.users.length === 0), {
            message:
              "an allow rule with `groups` and no `users` allows everyone whenever its groups resolve to nobody (ZTM merges group members into users and skips an empty user list): name the users too",
            path: ["groups"],
          }),
      )
      .default([]),
  })
  .strict();

/** The declared apps as the reconciler applies them through the agent API. */
export function desiredState(a: ResolvedZtmAgentArgs): DesiredState {
  // Targets passed the schema, so each parses.
  const hostPort = (t: string) => parseHostPort(t) ?? { host: t, port: 0 };
  return {
    mesh: a.mesh,
    outbound: a.tunnels.outbound.map((t) => ({
      protocol: t.protocol,
      name: t.name,
      targets: t.targets.map(hostPort),
      entrances: t.entrances,
      users: t.users,
    })),
    inbound: a.tunnels.inbound.map((t) => ({
      protocol: t.protocol,
      name: t.name,
      listens: [{ ip: "0.0.0.0", port: t.port }],
      exits: t.exits,
    })),
    proxy: a.proxy
      ? {
          listen: a.proxy.port ? `0.0.0.0:${a.proxy.port}` : "",
          targets: a.proxy.targets,
          exclusions: a.proxy.exclusions,
          rules: a.proxy.rules,
        }
      : null,
  };
}

/** The ports other pods may reach: the inbound tunnels and the proxy. */
export function agentIngressPorts(a: ResolvedZtmAgentArgs): { port: number; protocol: string }[] {
  return [
    ...a.tunnels.inbound.map((t) => ({ port: t.port, protocol: t.protocol.toUpperCase() })),
    ...(a.proxy?.port ? [{ port: a.proxy.port, protocol: "TCP" }] : []),
  ];
}
