import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * A string that may be secret: a plain string (the component makes it a Pulumi secret) or a
 * `pulumi.Output<string>` (for example `config.requireSecret(...)`), which is checked when it resolves.
 */
export const SecretString = z.custom<string | pulumi.Output<string>>(
  (v) => typeof v === "string" || pulumi.Output.isInstance(v),
  { message: "must be a string (or a pulumi.Output<string> holding one)" },
);
export type SecretString = z.output<typeof SecretString>;

/** A string given as a value or as a `pulumi.Output<string>`: the same check, for values that are not secret. */
export const StringInput = SecretString;
