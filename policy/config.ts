import { isIP } from "node:net";
import { z } from "zod";
import { DnsLabel } from "../base/names";
import {
  DEFAULT_CONTROLLER_MANAGER_USERS,
  DEFAULT_NAMESPACE_CREATORS,
  DEFAULT_SYSTEM_NAMESPACES,
  GrantSchema,
  UserName,
  type ExemptionSettings,
} from "./grants";
import type { EnforcementLevel, PolicyOptions } from "./model";
import { EXPOSURE_EXEMPTIONS, RESOURCE_POLICIES, ZERO_EXPOSURE } from "./rules";

const Level = z.enum(["advisory", "mandatory", "remediate", "disabled"]);
// Every string here ends up in the guard's CEL as well: only what Kubernetes itself allows.
const Namespaces = z.array(DnsLabel);
const RULE_NAMES = RESOURCE_POLICIES.map((p) => p.name);

/** The options each policy accepts, beyond `enforcementLevel` (the CrossGuard config file format). */
const POLICY_OPTIONS: Record<string, z.ZodRawShape> = {
  "no-service-external-ips": {
    allowedExternalIPs: z.array(
      z.string().refine((ip) => isIP(ip) !== 0, "must be an IPv4 or IPv6 address"),
    ),
  },
  "no-host-ports": {
    allowedHostPorts: z.array(z.number().int().min(1).max(65535)),
    allowedHostPortRanges: z.array(
      z
        .object({
          min: z.number().int().min(1).max(65535),
          max: z.number().int().min(1).max(65535),
        })
        .strict(),
    ),
  },
  [EXPOSURE_EXEMPTIONS.name]: {
    systemNamespaces: Namespaces,
    namespaceCreators: z.record(DnsLabel, z.array(UserName).max(20)),
    controllerManagerUsers: z.array(UserName).max(10),
    grants: z
      .array(
        GrantSchema.extend({
          policies: z
            .array(z.enum(RULE_NAMES as [string, ...string[]]))
            .min(1)
            .describe(GrantSchema.shape.policies.description ?? ""),
        }),
      )
      .max(200),
  },
};

/** Every policy name the pack has, in order (the exemptions first: they hold the shared settings). */
export const POLICY_NAMES: readonly string[] = [
  EXPOSURE_EXEMPTIONS.name,
  ...RESOURCE_POLICIES.map((p) => p.name),
  ZERO_EXPOSURE.name,
];

function policyEntry(name: string) {
  return z.union([
    Level,
    z
      .object({
        enforcementLevel: Level.optional(),
        exemptNamespaces: Namespaces.optional(),
        ...Object.fromEntries(
          Object.entries(POLICY_OPTIONS[name] ?? {}).map(([k, v]) => [
            k,
            (v as z.ZodType).optional(),
          ]),
        ),
      })
      .strict(),
  ]);
}

/**
 * The pack config, as `--policy-pack-config` takes it: `{ "all": level, "<policy>": level |
 * { enforcementLevel?, exemptNamespaces?, ...options } }`.
 */
export const PackConfigSchema = z
  .object(
    Object.fromEntries([
      ["all", z.union([Level, z.object({ enforcementLevel: Level }).strict()])],
      ...POLICY_NAMES.map((n) => [n, policyEntry(n)]),
    ]),
  )
  .partial()
  .strict();
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & PolicyOptions)
>;

/** The level a policy runs at: its own config, then `all`, then its default. */
export function levelOf(
  name: string,
  defaultLevel: EnforcementLevel,
  config: PackConfig,
): EnforcementLevel {
  const own = config[name];
  const all = config.all;
  return (
    (typeof own === "string" ? own : own?.enforcementLevel) ??
    (typeof all === "string" ? all : all?.enforcementLevel) ??
    defaultLevel
  );
}

/** A policy's options from the config (without `enforcementLevel`). */
export function optionsOf(name: string, config: PackConfig): PolicyOptions {
  const own = config[name];
  if (own === undefined || typeof own === "string") return {};
  const { enforcementLevel: _level, ...options } = own;
  return options;
}

/** The settings `exposure-exemptions` holds for every rule: system namespaces and grants. */
export function exemptionSettings(config: PackConfig): ExemptionSettings {
  const options = optionsOf(EXPOSURE_EXEMPTIONS.name, config) as Partial<ExemptionSettings>;
  return {
    systemNamespaces: options.systemNamespaces ?? DEFAULT_SYSTEM_NAMESPACES,
    namespaceCreators: options.namespaceCreators ?? DEFAULT_NAMESPACE_CREATORS,
    controllerManagerUsers: options.controllerManagerUsers ?? DEFAULT_CONTROLLER_MANAGER_USERS,
    ...(options.grants !== undefined ? { grants: options.grants } : {}),
  };
}
