/**
 * go-yaml v2's scalar resolution (go.yaml.in/yaml/v2 v2.4.3 resolve.go) and its errors: the part
 * of the reader both paths share, the fast one (goyaml-fast.ts) and the full one (goyaml.ts).
 */

/** A document go-yaml (or the JSON conversion) refuses, with where the parser stopped. */
export class GoYamlError extends Error {
  constructor(
    message: string,
    readonly offset = 0,
  ) {
    super(message);
  }
}

const STR = "tag:yaml.org,2002:str";
const INT = "tag:yaml.org,2002:int";
const FLOAT = "tag:yaml.org,2002:float";
const BOOL = "tag:yaml.org,2002:bool";
const NULL = "tag:yaml.org,2002:null";
const TIMESTAMP = "tag:yaml.org,2002:timestamp";
export const BINARY = "tag:yaml.org,2002:binary";
export const MERGE = "tag:yaml.org,2002:merge";
const RESOLVABLE = new Set(["", STR, BOOL, INT, FLOAT, NULL, TIMESTAMP]);

const MAP: ReadonlyMap<string, [unknown, string]> = new Map<string, [unknown, string]>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map(
    (s): [string, [unknown, string]] => [s, [true, BOOL]],
  ),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (s): [string, [unknown, string]] => [s, [false, BOOL]],
  ),
  ...["", "~", "null", "Null", "NULL"].map((s): [string, [unknown, string]] => [s, [null, NULL]]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, [unknown, string]] => [s, [NaN, FLOAT]]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, [unknown, string]] => [
    s,
    [Infinity, FLOAT],
  ]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, [unknown, string]] => [s, [-Infinity, FLOAT]]),
  ["<<", ["<<", MERGE]],
]);

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's strconv.ParseInt(s, 0, 64) (and ParseUint), as a JS number; undefined when it fails. */
function parseGoInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m?.[2]) return undefined;
  const body = m[2];
  let big: bigint;
  if (/^0[xXoObB]/.test(body)) big = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith("0")) big = BigInt(`0o${body.slice(1)}`);
  else big = BigInt(body);
  if (m[1] === "-") big = -big;
  // int64, or uint64 for the positive range ParseUint adds.
  if (big < -(1n << 63n) || big > (1n << 64n) - 1n || (m[1] === "-" && big > 0n)) return undefined;
  return Number(big);
}

/** Go's time.Parse for go-yaml's timestamp layouts, reduced to "is it one". */
function isTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  const date = "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})";
  const clock = "([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\\.[0-9]+)?";
  const ok = (m: RegExpExecArray | null) =>
    !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
  return (
    ok(new RegExp(`^${date}[Tt]${clock}(Z|[+-][0-9]{2}:[0-9]{2})$`).exec(s)) ||
    ok(new RegExp(`^${date} ${clock}$`).exec(s)) ||
    ok(new RegExp(`^${date}$`).exec(s))
  );
}

/** go-yaml v2's resolve(tag, in): the tag it resolves to and the value. */
export function resolve(tag: string, text: string): [string, unknown] {
  if (!RESOLVABLE.has(tag)) return [tag, text];
  const [rtag, value] = resolveUnchecked(tag, text);
  if (tag === "" || tag === rtag || tag === STR || tag === BINARY) return [rtag, value];
  if (tag === FLOAT && rtag === INT) return [FLOAT, value];
  throw new GoYamlError(`cannot decode ${shortTag(rtag)} \`${text}\` as a ${shortTag(tag)}`);
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
}

function resolveUnchecked(tag: string, text: string): [string, unknown] {
  const c = text === "" ? "" : text.charAt(0);
  const hint = c === "" ? "N" : "+-0123456789yYnNtTfFoO~.".includes(c) ? c : "";
  if (hint !== "" && tag !== STR && tag !== BINARY) {
    const known = MAP.get(text);
    if (known) return [known[1], known[0]];
    if (c === ".") {
      if (YAML_FLOAT.test(text)) return [FLOAT, parseFloat(text)];
    } else if ("+-0123456789".includes(c)) {
      if ((tag === "" || tag === TIMESTAMP) && isTimestamp(text)) return [TIMESTAMP, text];
      const plain = text.replace(/_/g, "");
      const int = parseGoInt(plain);
      if (int !== undefined) return [INT, int];
      if (YAML_FLOAT.test(plain)) return [FLOAT, parseFloat(plain)];
      if (plain.startsWith("0b") || plain.startsWith("-0b")) {
        const neg = plain.startsWith("-");
        const bits = plain.slice(neg ? 3 : 2);
        if (/^[01]+$/.test(bits)) return [INT, (neg ? -1 : 1) * parseInt(bits, 2)];
      }
    }
  }
  return [STR, text];
}

/**
 * The main thread's stack ends near 900 levels; reader/deep-read.ts reads such a document again on a
 * larger stack (kubectl allows 10,000). Past that it is refused, never misread.
 */
export const TOO_DEEP = "nested deeper than zeroport can read: split the value";

/** go-yaml's alias ratio: how much of a large document may come from aliases. */
export function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}
