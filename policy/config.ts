import { z } from "zod";
import type { EnforcementLevel, PolicyOptions } from "./model";
import { EXPOSURE_EXEMPTIONS, RESOURCE_POLICIES, ZERO_EXPOSURE } from "./rules";

const Level = z.enum(["advisory", "mandatory", "remediate", "disabled"]);
const Strings = z.array(z.string());

/** The options each policy accepts, beyond `enforcementLevel` (the CrossGuard config file format). */
const POLICY_OPTIONS: Record<string, z.ZodRawShape> = {
  "no-service-external-ips": { allowedExternalIPs: Strings },
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
};

/** Every policy name the pack has, in order. */
export const POLICY_NAMES: readonly string[] = [
  ...RESOURCE_POLICIES.map((p) => p.name),
  ZERO_EXPOSURE.name,
  EXPOSURE_EXEMPTIONS.name,
];

function policyEntry(name: string) {
  return z.union([
    Level,
    z
      .object({
        enforcementLevel: Level.optional(),
        exemptNamespaces: Strings.optional(),
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
