import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

const isStringOrOutput = (v: unknown) => typeof v === "string" || pulumi.Output.isInstance(v);
const MESSAGE = { message: "must be a string (or a pulumi.Output<string> holding one)" };

/**
 * A string that may be secret: a plain string (the component makes it a Pulumi secret) or a
 * `pulumi.Output<string>` (for example `config.requireSecret(...)`), which is checked when it
 * resolves. Its metadata makes it a secret string in the plugin package's schema (plugin/schema.ts).
 */
export const SecretString = z
  .custom<string | pulumi.Output<string>>(isStringOrOutput, MESSAGE)
  .meta({ type: "string", secret: true });
export type SecretString = z.output<typeof SecretString>;

/** A string given as a value or as a `pulumi.Output<string>`: the same check, for values that are not secret. */
export const StringInput = z
  .custom<string | pulumi.Output<string>>(isStringOrOutput, MESSAGE)
  .meta({ type: "string" });
