/**
 * YAML read the way Kubernetes reads it. kubectl and the API server split documents with
 * k8s.io/apimachinery's YAML reader and convert each with sigs.k8s.io/yaml (go-yaml v2 rules):
 * YAML 1.1 booleans (`yes`, `on`, `y` …), integers with `_`, `0b`, `0o`, `0x` and leading-zero
 * octal, merge keys, duplicate keys where the last wins, and non-string keys turned into strings.
 * A YAML 1.2 reader sees `hostPort: 017620` as 17620 and `hostNetwork: yes` as a string, which is
 * how a scanner gets walked past; this one matches the real decoder, case by case
 * (test/fixtures/yaml-semantics, produced by that decoder).
 */
import * as jsyaml from "js-yaml";
import * as YAML from "yaml";

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]);
const FALSE = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"]);
/** go-yaml v2's yamlStyleFloat. */
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s) => [s, Infinity] as const),
  ...["-.inf", "-.Inf", "-.INF"].map((s) => [s, -Infinity] as const),
  ...[".nan", ".NaN", ".NAN"].map((s) => [s, NaN] as const),
]);

/** Go's strconv.ParseInt(s, 0, 64) for the forms it accepts (sign, 0x, 0o, 0b, leading-0 octal). */
function goParseInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m?.[2]) return undefined;
  const body = m[2];
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith("0")) value = parseInt(body.slice(1), 8);
  else value = parseInt(body, 10);
  return m[1] === "-" ? -value : value;
}

/** The number go-yaml v2 resolves a plain scalar to, or undefined when it stays a string. */
export function goYamlNumber(text: string): number | undefined {
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return special;
  if (!/^[-+.0-9]/.test(text)) return undefined;
  const plain = text.replace(/_/g, "");
  const int = goParseInt(plain);
  if (int !== undefined) return int;
  if (FLOAT.test(plain)) return parseFloat(plain);
  return undefined;
}

/** A plain-scalar resolver in go-yaml v2's order; explicit tags (`!!int "80"`) use it too. */
function scalarTag<T>(tag: string, resolve: (source: string) => T | undefined) {
  return jsyaml.defineScalarTag<T>(`tag:yaml.org,2002:${tag}`, {
    implicit: true,
    implicitFirstChars: null,
    resolve: (source) => {
      const value = resolve(source);
      return value === undefined ? jsyaml.NOT_RESOLVED : value;
    },
    identify: () => false,
  });
}

/** Plain scalars resolve as go-yaml v2 resolves them; everything else stays a string. */
const KUBE_SCHEMA = jsyaml.FAILSAFE_SCHEMA.withTags(
  scalarTag<null>("null", (s) => (NULLS.has(s) ? null : undefined)),
  scalarTag<boolean>("bool", (s) => (TRUE.has(s) ? true : FALSE.has(s) ? false : undefined)),
  scalarTag<number>("int", goYamlNumber),
  scalarTag<number>("float", goYamlNumber),
  jsyaml.mergeTag,
);

/** What the Kubernetes decoder refuses as alias amplification ("billion laughs"). */
export const MAX_EXPANDED_NODES = 1_000_000;

/** A document that cannot be read, with the line (1-based) the decoder stopped at. */
export class YamlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Every non-empty document of `text` (with `keepEmpty`, every document) as JSON-compatible
 * values, as kubectl would send them: keys are strings, duplicate keys keep the last value.
 * Throws {@link YamlError}.
 */
export function readKubeYaml(text: string, options: { keepEmpty?: boolean } = {}): unknown[] {
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, { schema: KUBE_SCHEMA, json: true, maxTotalMergeKeys: -1 });
  } catch (e) {
    const mark = (e as { mark?: { line: number; column: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message.split("\n")[0] ?? "";
    // js-yaml enforces flow-collection indentation that go-yaml does not (a closing `]` left of
    // its items, as in istio's spire-quickstart.yaml): the lenient reader decides those.
    if (!/indentation/.test(reason))
      throw new YamlError(reason, (mark?.line ?? 0) + 1, (mark?.column ?? 0) + 1);
    docs = readLeniently(text);
  }
  return docs
    .filter((d) => options.keepEmpty || (d !== null && d !== undefined))
    .map(refuseAmplification);
}

/**
 * Refuses a document whose aliases expand past {@link MAX_EXPANDED_NODES}: a value reached through
 * aliases counts each time it appears (memoised, so the count itself stays cheap), before anything
 * walks the expanded tree. (Keys are strings already: js-yaml builds plain objects.)
 */
function refuseAmplification(doc: unknown): unknown {
  const sizes = new Map<object, number>();
  const size = (v: unknown): number => {
    if (v === null || typeof v !== "object") return 1;
    const known = sizes.get(v);
    if (known !== undefined) return known;
    sizes.set(v, 1); // A cycle (not possible in YAML aliases to a parent) counts once.
    let n = 1;
    for (const child of Object.values(v)) {
      n += size(child);
      if (n > MAX_EXPANDED_NODES) break;
    }
    sizes.set(v, n);
    return n;
  };
  if (size(doc) > MAX_EXPANDED_NODES) {
    throw new YamlError(
      `document contains excessive aliasing (more than ${MAX_EXPANDED_NODES} nodes once aliases are expanded)`,
      1,
      1,
    );
  }
  return doc;
}

/** A regular expression matching exactly these words (plain words: no metacharacters). */
const oneOf = (words: string[]) => new RegExp(`^(?:${words.join("|")})$`);

/** The same scalar rules on the `yaml` library, which accepts go-yaml's looser flow indentation. */
const LENIENT_TAGS: YAML.ScalarTag[] = [
  {
    tag: "tag:yaml.org,2002:null",
    default: true,
    test: oneOf([...NULLS].filter((w) => w !== "")),
    resolve: () => null,
  },
  {
    tag: "tag:yaml.org,2002:bool",
    default: true,
    test: oneOf([...TRUE, ...FALSE]),
    resolve: (s: string) => TRUE.has(s),
  },
  {
    tag: "tag:yaml.org,2002:int",
    default: true,
    test: /^[-+.0-9]/,
    resolve: (s: string) => goYamlNumber(s) ?? s,
  },
];

function readLeniently(text: string): unknown[] {
  const lineCounter = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, {
    strict: false,
    schema: "failsafe",
    customTags: LENIENT_TAGS,
    merge: true,
    uniqueKeys: false,
    lineCounter,
  });
  return (Array.isArray(docs) ? docs : [docs]).map((doc) => {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      throw new YamlError(err.message.split("\n")[0] ?? "", pos.line, pos.col);
    }
    try {
      return doc.toJS() as unknown;
    } catch (e) {
      // The yaml library refuses alias amplification itself ("excessive alias count").
      throw new YamlError((e as Error).message, 1, 1);
    }
  });
}
