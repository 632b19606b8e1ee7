import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { issuesFromZod, type InputIssue } from "./issues";
import { componentNameIssues } from "./name";

export { componentNameIssues } from "./name";
export { formatPath, issuesFromZod, allowedKeysAt, isInputError, type InputIssue } from "./issues";

/**
 * The single error a component throws for bad input: every offending field path at once.
 *
 * It is a `pulumi.InputPropertiesError`, so the engine pretty-prints the per-field details, and
 * its message lists them too, so a plain `catch` or a CLI sees the same text.
 */
export class ZeroportInputError extends pulumi.InputPropertiesError {
  readonly issues: readonly InputIssue[];
  readonly subject: string;

  constructor(subject: string, issues: readonly InputIssue[]) {
    const lines = issues.map((i) => `  - ${i.path || "(root)"}: ${i.reason}`);
    super({
      message: `${subject}: invalid input (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
      errors: issues.map((i) => ({ propertyPath: i.path, reason: i.reason })),
    });
    this.name = "ZeroportInputError";
    this.subject = subject;
    this.issues = issues;
  }

  static isZeroportInputError(e: unknown): e is ZeroportInputError {
    return e instanceof ZeroportInputError;
  }
}

/**
 * Validates `args` against `schema` synchronously, before any child resource exists, and
 * returns the parsed value with every default applied. Throws one {@link ZeroportInputError}.
 */
export function parseArgs<S extends z.ZodType>(
  schema: S,
  args: unknown,
  subject: string,
  component?: { name: string; serviceName?: boolean },
): z.output<S> {
  const result = schema.safeParse(args ?? {});
  const issues = [
    ...(component ? componentNameIssues(component.name, component.serviceName ?? false) : []),
    ...(result.success ? [] : issuesFromZod(result.error, schema)),
  ];
  if (issues.length > 0 || !result.success) throw new ZeroportInputError(subject, issues);
  return result.data;
}
