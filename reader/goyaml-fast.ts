/**
 * The fast path of reader/goyaml.ts for the common manifest. The full reader builds the `yaml`
 * library's AST, which is several times slower than js-yaml; most manifests use a small block
 * subset in which the two syntaxes cannot differ, so such a chunk is parsed by js-yaml instead,
 * with every plain scalar resolved by go-yaml's own table (goyaml-resolve.ts), which is where
 * the meaning lives. The subset, line by line:
 * - indentation by spaces, one `- ` sequence entry per line (js-yaml nests `- - -` differently
 *   from go-yaml), `key:` with a key that starts with a letter and resolves to itself (not `y`,
 *   `on`, `null`…), comments;
 * - values that are plain on one line (no tag, block scalar, `: ` or ` #`), single quoted, double
 *   quoted without escapes, `{}` or `[]`, each perhaps anchored; aliases, while the expanded
 *   value stays under the node count past which go-yaml's alias ratio can refuse it;
 * - no tab, CR, control character, byte-order mark, NEL or Unicode line separator; no `...` or
 *   directive line.
 * Anything else, any js-yaml error, and any value JSON cannot carry goes to the full reader.
 * test/reader/goyaml-fast.test.ts compares the two readers over generated chunks.
 */
import * as jsyaml from "js-yaml";
import { allowedAliasRatio, resolve } from "./goyaml-resolve";

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const OUTSIDE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;
/** One line: indentation, `- ` entries, then perhaps `key:`, then the rest. */
const LINE = /^ *((?:- )?)(?:([A-Za-z_][A-Za-z0-9_./-]*):(?: +|$))?(.*)$/;
/** Empty, or only a comment (after a space, or the whole line). */
const NOTHING = /^(?:#.*)?$/;
const QUOTED = /^(?:"[^"\\]*"|'(?:[^']|'')*')(?: +#.*)? *$/;
/**
 * A plain scalar on one line that both parsers end at the same place: it starts with no
 * indicator, holds no `: ` and no ` #`, does not end in `:`; a comment may follow.
 */
const PLAIN =
  /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s])(?:[^:\s#]|:(?=\S)|#| +(?=[^\s#]))*(?: +#.*)? *$/;
const ANCHOR = /^&[A-Za-z0-9_-]+(?: +(.*))?$/;
const ALIAS = /^\*[A-Za-z0-9_-]+(?: +#.*)? *$/;
/** First letters of the keys go-yaml resolves to something else (y, on, null…). */
const RESOLVING_KEY = /^[yYnNtTfFoO]/;

/** What the lines of a chunk use beyond plain values. */
interface Seen {
  aliases: boolean;
}

/** Whether a value (after `key: ` or `- `) is in the subset; an anchor may lead it. */
function simpleValue(raw: string, seen: Seen, anchored = false): boolean {
  if (NOTHING.test(raw)) return true;
  const c = raw.charAt(0);
  if (c === "&" && !anchored) {
    const m = ANCHOR.exec(raw);
    return !!m && simpleValue(m[1] ?? "", seen, true);
  }
  if (c === "*" && !anchored) {
    seen.aliases = true;
    return ALIAS.test(raw);
  }
  if (c === '"' || c === "'") return QUOTED.test(raw);
  if (c === "{" || c === "[") return /^(?:\{\}|\[\])(?: +#.*)? *$/.test(raw);
  return PLAIN.test(raw);
}

/** Whether every line of `chunk` is in the subset, and whether it uses aliases. */
export function fastSubset(chunk: string): Seen | undefined {
  if (OUTSIDE.test(chunk)) return undefined;
  const seen: Seen = { aliases: false };
  let start = 0;
  while (start < chunk.length) {
    const newline = chunk.indexOf("\n", start);
    const end = newline < 0 ? chunk.length : newline;
    const line = chunk.slice(start, end);
    start = end + 1;
    if (line.startsWith("...") || line.startsWith("%")) return undefined;
    const m = LINE.exec(line);
    if (!m) return undefined;
    const [, dashes = "", key, rest = ""] = m;
    if (key !== undefined) {
      if (key === "__proto__" || (RESOLVING_KEY.test(key) && resolve("", key)[1] !== key))
        return undefined;
      if (!simpleValue(rest, seen)) return undefined;
    } else if (NOTHING.test(rest)) {
      // An empty entry (`- ` alone): js-yaml lets a later, shallower entry join its sequence.
      if (dashes !== "") return undefined;
    } else if (dashes === "" || !simpleValue(rest, seen)) return undefined;
  }
  return seen;
}

/**
 * go-yaml refuses "excessive aliasing" only past 1,000 decoded nodes (decode.go); a value whose
 * expanded tree (keys counted, as go-yaml decodes them) stays under that cannot be refused. A
 * self-referencing anchor, which js-yaml reads as a cycle, never ends under it.
 */
const ALIAS_FREE_NODES = 1000;

function withinNodes(value: unknown, budget: { left: number }): boolean {
  budget.left -= 1;
  if (budget.left < 0) return false;
  if (Array.isArray(value)) return value.every((v) => withinNodes(v, budget));
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) {
      budget.left -= 1;
      if (!withinNodes(v, budget)) return false;
    }
  }
  return true;
}

/** Set when a plain scalar resolves to a value JSON cannot carry (NaN, ±Inf). */
let unsupported = false;

const GO_PLAIN = new jsyaml.Type("tag:zeroport.dev,2026:go-plain", {
  kind: "scalar",
  resolve: () => true,
  construct: (text: string) => {
    const value = resolve("", text)[1];
    if (typeof value === "number" && !Number.isFinite(value)) unsupported = true;
    return value;
  },
});

const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [GO_PLAIN] });

/** Marks a chunk the fast path leaves to the full reader. */
export const NOT_FAST = Symbol("not in the fast subset");

/** The chunk's value, as the full reader would give it, or NOT_FAST. */
export function fastDecode(chunk: string): unknown {
  const seen = fastSubset(chunk);
  if (!seen) return NOT_FAST;
  unsupported = false;
  let value: unknown;
  try {
    // json: a later duplicate key overwrites an earlier one, as go-yaml's map decoding does.
    value = jsyaml.load(chunk, { schema: SCHEMA, json: true });
  } catch {
    return NOT_FAST;
  }
  if (unsupported) return NOT_FAST;
  if (!seen.aliases) return value ?? null;
  // js-yaml shares an aliased value where the full reader copies it; nothing here writes to one.
  return withinNodes(value, { left: ALIAS_FREE_NODES }) ? value : NOT_FAST;
}

/**
 * go-yaml's alias ratio decided before the full reader builds its tree, which for a document of
 * hundreds of thousands of aliases takes seconds: js-yaml shares an aliased value instead of
 * copying it, so the value's graph gives the expanded node count (go-yaml's decodeCount) and a
 * lower bound of the nodes decoded through aliases (its aliasCount; aliased scalars are not
 * seen). When even that bound breaks the ratio at the final count, go-yaml refuses the document.
 * Duplicate keys (which would hide decoded nodes), cycles and anything js-yaml cannot read are
 * left to the full reader.
 */
export function surelyExcessiveAliasing(chunk: string): boolean {
  if (!chunk.includes("*")) return false;
  let value: unknown;
  try {
    value = jsyaml.load(chunk, { schema: SCHEMA, json: false });
  } catch {
    return false;
  }
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  let aliased = 0;
  const expanded = (v: unknown): number => {
    if (typeof v !== "object" || v === null) return 1;
    const known = sizes.get(v);
    if (known !== undefined) {
      // The alias node itself is decoded too, outside the alias.
      aliased += known;
      return known + 1;
    }
    if (open.has(v)) throw new RangeError("cycle");
    open.add(v);
    let size = 1;
    if (Array.isArray(v)) for (const item of v) size += expanded(item);
    else for (const item of Object.values(v)) size += 1 + expanded(item);
    open.delete(v);
    sizes.set(v, size);
    return size;
  };
  let total: number;
  try {
    total = 1 + expanded(value); // and the document node
  } catch {
    return false;
  }
  return aliased > 100 && total > 1000 && aliased / total > allowedAliasRatio(total);
}
