import type { z } from "zod";
import { printable } from "../../base/printable";

/** One problem with one input field. `path` is dotted, with `[i]` for array items. */
export interface InputIssue {
  path: string;
  reason: string;
}

/**
 * Text shaped like a credential: a JWT (its header starts `eyJ`, base64url of `{"`), a PEM block,
 * or a run of 32 or more base64 characters mixing upper case, lower case and digits.
 */
export function looksLikeCredential(text: string): boolean {
  if (/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}\./.test(text) || text.includes("-----BEGIN"))
    return true;
  return (text.match(/[A-Za-z0-9+/_-]{32,}/g) ?? []).some(
    (run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run),
  );
}

/**
 * A mapping key as an error may print it. A key is the user's text too, and a misplaced token
 * lands in one (`identity: {<jwt>: …}`): a key shaped like a credential is never shown, only its
 * length; others are escaped onto one line and cut at 64 characters.
 */
export function shownKey(key: string): string {
  if (looksLikeCredential(key)) return `<a ${[...key].length}-character key, not shown>`;
  return printable(key.replace(/["\\]/g, "\\$&"), 64);
}

/** `["services", 0, "port"]` becomes `services[0].port`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    const key = String(part);
    if (typeof part === "number") out += `[${part}]`;
    // Keys that are not plain identifiers are quoted, so a path always stays on one line.
    else if (!/^[A-Za-z_$][\w$-]{0,63}$/.test(key)) out += `["${shownKey(key)}"]`;
    else out += out === "" ? key : `.${key}`;
  }
  return out;
}

interface ZodDefLike {
  type?: string;
  shape?: Record<string, { _zod?: { def?: ZodDefLike } }>;
  innerType?: { _zod?: { def?: ZodDefLike } };
  in?: { _zod?: { def?: ZodDefLike } };
  options?: { _zod?: { def?: ZodDefLike } }[];
  element?: { _zod?: { def?: ZodDefLike } };
  valueType?: { _zod?: { def?: ZodDefLike } };
}

function defOf(schema: unknown): ZodDefLike | undefined {
  return (schema as { _zod?: { def?: ZodDefLike } } | undefined)?._zod?.def;
}

/** The object schemas reachable at `path`, looking through defaults, pipes, unions and arrays. */
function objectsAt(def: ZodDefLike | undefined, path: readonly PropertyKey[]): ZodDefLike[] {
  if (!def) return [];
  switch (def.type) {
    case "default":
    case "optional":
    case "nullable":
    case "prefault":
    case "readonly":
      return objectsAt(defOf(def.innerType), path);
    case "pipe":
      return objectsAt(defOf(def.in), path);
    case "union":
      return (def.options ?? []).flatMap((o) => objectsAt(defOf(o), path));
    case "array":
      return typeof path[0] === "number" ? objectsAt(defOf(def.element), path.slice(1)) : [];
    case "record":
      return path.length > 0 ? objectsAt(defOf(def.valueType), path.slice(1)) : [];
    case "object": {
      if (path.length === 0) return [def];
      const next = def.shape?.[String(path[0])];
      return objectsAt(defOf(next), path.slice(1));
    }
    default:
      return [];
  }
}

/** The field names a strict object accepts at `path`, for "unknown field" messages. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = objectsAt(defOf(schema), path).flatMap((d) => Object.keys(d.shape ?? {}));
  return [...new Set(keys)];
}

/**
 * Flattens zod issues into one line per field path. An unknown key becomes an issue at that
 * key's own path, listing the fields that are allowed there.
 */
export function issuesFromZod(error: z.ZodError, schema?: z.ZodType): InputIssue[] {
  const seen = new Set<string>();
  const out: InputIssue[] = [];
  const add = (issue: InputIssue) => {
    const key = `${issue.path}\u0000${issue.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  };
  for (const issue of flattenUnions(error.issues)) {
    if (issue.code === "unrecognized_keys") {
      const allowed = schema ? allowedKeysAt(schema, issue.path) : [];
      const hint = allowed.length > 0 ? `; allowed here: ${allowed.join(", ")}` : "";
      for (const key of issue.keys) {
        add({ path: formatPath([...issue.path, key]), reason: `is not a known field${hint}` });
      }
    } else if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
      add({ path: formatPath(issue.path), reason: `is required (${issue.expected})` });
    } else {
      add({ path: formatPath(issue.path), reason: issue.message });
    }
  }
  return out;
}

type Issue = z.ZodError["issues"][number];

/**
 * A union the input failed is reported through the one branch whose type the input has (an
 * object given for `level | {…}`), field by field, rather than as one "invalid input" on the union.
 */
function flattenUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union" || !Array.isArray(issue.errors)) return [issue];
    // A branch that failed only at the union's own path is one whose type the input lacks.
    const typed = issue.errors.filter((branch) => branch.some((b) => b.path.length > 0));
    if (typed.length !== 1 || !typed[0]) return [issue];
    return flattenUnions(typed[0].map((b) => ({ ...b, path: [...issue.path, ...b.path] })));
  });
}

/** The shape of a {@link ZeroportInputError}, checked without loading the Pulumi SDK. */
export function isInputError(
  e: unknown,
): e is Error & { subject: string; issues: readonly InputIssue[] } {
  return (
    e instanceof Error &&
    e.name === "ZeroportInputError" &&
    Array.isArray((e as { issues?: unknown }).issues)
  );
}
