import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** One problem with one input field. `path` is dotted, with `[i]` for array items. */
export interface InputIssue {
  path: string;
  reason: string;
}

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

/** `["services", 0, "port"]` becomes `services[0].port`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Flattens zod issues (including the branches of unions) into one line per field path. */
export function issuesFromZod(error: z.ZodError): InputIssue[] {
  const seen = new Set<string>();
  const out: InputIssue[] = [];
  for (const issue of error.issues) {
    const issue_ = { path: formatPath(issue.path), reason: issue.message };
    const key = `${issue_.path}\u0000${issue_.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue_);
    }
  }
  return out;
}

/**
 * Validates `args` against `schema` synchronously, before any child resource exists, and
 * returns the parsed value with every default applied. Throws one {@link ZeroportInputError}.
 */
export function parseArgs<S extends z.ZodType>(
  schema: S,
  args: unknown,
  subject: string,
): z.output<S> {
  const result = schema.safeParse(args ?? {});
  if (!result.success) throw new ZeroportInputError(subject, issuesFromZod(result.error));
  return result.data;
}
