import type * as pulumi from "@pulumi/pulumi";
import { ZitiHost, ZitiHostArgsSchema, type ZitiHostArgs } from "./ziti-host";
import type { z } from "zod";

/** A component the CLI can render by name: its args schema and how to construct it. */
export interface ComponentEntry {
  description: string;
  schema: z.ZodType;
  create(
    name: string,
    args: unknown,
    opts?: pulumi.ComponentResourceOptions,
  ): pulumi.ComponentResource;
}

/** Every component in the library, by class name. */
export const COMPONENTS: Record<string, ComponentEntry> = {
  ZitiHost: {
    description: "ziti-edge-tunnel run-host: hosts Ziti services for cluster addresses, no Service",
    schema: ZitiHostArgsSchema,
    create: (name, args, opts) => new ZitiHost(name, args as ZitiHostArgs, opts),
  },
};
