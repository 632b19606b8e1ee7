import type { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { parseArgs } from "../components/core/validation";

/**
 * A deployable composition: a typed, validated config in, components out. Every blueprint ships
 * an example config, so it renders on a fresh checkout with nothing else.
 */
export interface Blueprint<S extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  schema: S;
  example: z.input<S>;
  /**
   * Creates the components. `config` is the validated config with defaults applied; `input` is
   * the same config as given, for handing sub-objects to components that validate their own args.
   */
  program(config: z.output<S>, input: z.input<S>): void;
}

export function defineBlueprint<S extends z.ZodType>(blueprint: Blueprint<S>): Blueprint<S> {
  return blueprint;
}

/** Validates `config` once (every bad field path in one error) and then runs the blueprint. */
export function runBlueprint<S extends z.ZodType>(blueprint: Blueprint<S>, config: unknown): void {
  const parsed = parseArgs(blueprint.schema, config, `blueprint ${blueprint.name}`);
  blueprint.program(parsed, config as z.input<S>);
}

/**
 * A blueprint's `name`, which prefixes its components' names (`<name>-agent-b`): short enough
 * that every derived name is still a 63-character label, starting with a letter where a derived
 * name is also a Service's (DNS-1035).
 */
export function blueprintName(fallback: string, longestSuffix: string): z.ZodDefault<z.ZodString> {
  const max = 63 - longestSuffix.length;
  return DnsLabel.max(
    max,
    `must be at most ${max} characters: its components are named <name>${longestSuffix}`,
  )
    .regex(/^[a-z]/, "must start with a letter: its components' names also name Services")
    .default(fallback);
}
