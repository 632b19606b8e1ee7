/**
 * One YAML document decoded the way Kubernetes decodes it: go-yaml v2's rules for decoding into
 * `interface{}` (go.yaml.in/yaml/v2 v2.4.3 decode.go and resolve.go, what sigs.k8s.io/yaml v1.6.0
 * and so kubectl 1.36 use), then sigs.k8s.io/yaml's conversion to JSON. The syntax is read by the
 * `yaml` library; the meaning is go-yaml's:
 * - plain scalars resolve by go-yaml's table (YAML 1.1 booleans, `0o`/`0x`/`0b`/leading-0 ints,
 *   `_` in numbers, timestamps kept as their text); quoted and block scalars are strings; an
 *   explicit `!!int`, `!!bool`… must fit; an unknown tag leaves the text; `!!binary` is decoded;
 * - mappings are read in order: a merge key (`<<`) writes its mappings' keys over what is there,
 *   a later key overwrites an earlier one (so the last of duplicates wins);
 * - aliases are expanded, and refused past go-yaml's alias ratio ("excessive aliasing");
 * - keys become strings (ints, floats in 32-bit 'g' form, booleans); other keys are an error.
 */
import * as YAML from "yaml";
import { BINARY, GoYamlError, MERGE, TOO_DEEP, allowedAliasRatio, resolve } from "./goyaml-resolve";

export { GoYamlError, TOO_DEEP, resolve } from "./goyaml-resolve";

type Node = YAML.Node | null | undefined;

/** encoding/json's limit, which kubectl meets when it decodes the converted document. */
const MAX_DEPTH = 10_000;

class Decoder {
  private depth = 0;
  /** go-yaml counts the document node too (decode.go unmarshal, documentNode). */
  private decodeCount = 1;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<YAML.Alias>();

  /** Each alias's target: the nearest anchor of its name before it, found in one pass. */
  private readonly targets = new Map<YAML.Alias, YAML.Node>();

  constructor(doc: YAML.Document.Parsed) {
    const anchors = new Map<string, YAML.Node>();
    YAML.visit(doc, (_key, node) => {
      if (YAML.isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) this.targets.set(node, target);
      } else if ((YAML.isNode(node) || YAML.isScalar(node)) && node.anchor)
        anchors.set(node.anchor, node);
    });
  }

  decode(n: Node): unknown {
    this.decodeCount += 1;
    if (this.aliasDepth > 0) this.aliasCount += 1;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    )
      throw new GoYamlError("document contains excessive aliasing");
    if (n === null || n === undefined) return null;
    if (YAML.isAlias(n)) return this.alias(n);
    if (YAML.isScalar(n)) return this.scalar(n);
    if (YAML.isMap(n) || YAML.isSeq(n)) {
      this.depth += 1;
      if (this.depth > MAX_DEPTH) throw new GoYamlError(`exceeded max depth of ${MAX_DEPTH}`);
      try {
        return YAML.isMap(n)
          ? this.mapping(n, new Map())
          : n.items.map((item) => this.decode(item as Node));
      } finally {
        this.depth -= 1;
      }
    }
    throw new GoYamlError("unsupported node");
  }

  private target(alias: YAML.Alias): Node {
    const target = this.targets.get(alias);
    if (!target)
      throw new GoYamlError(`unknown anchor '${alias.source}' referenced`, alias.range?.[0] ?? 0);
    return target;
  }

  private alias(a: YAML.Alias): unknown {
    if (this.expanding.has(a))
      throw new GoYamlError(`anchor '${a.source}' value contains itself`, a.range?.[0] ?? 0);
    this.expanding.add(a);
    this.aliasDepth += 1;
    try {
      return this.decode(this.target(a));
    } finally {
      this.aliasDepth -= 1;
      this.expanding.delete(a);
    }
  }

  private scalar(n: YAML.Scalar): unknown {
    // The text as written (the `yaml` library resolves a few tags, such as !!binary, itself).
    const text =
      typeof n.value === "string" ? n.value : typeof n.source === "string" ? n.source : "";
    const implicit = n.type === "PLAIN" || n.type === undefined;
    if (!n.tag && !implicit) return text;
    const [tag, value] = resolve(n.tag ?? "", text);
    if (tag === BINARY) {
      const clean = text.replace(/\s/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
        throw new GoYamlError("!!binary value contains invalid base64 data");
      return Buffer.from(clean, "base64").toString("utf8");
    }
    return value;
  }

  private isMerge(key: Node): boolean {
    return (
      YAML.isScalar(key) &&
      String(key.value) === "<<" &&
      ((key.type === "PLAIN" && !key.tag) || key.tag === MERGE)
    );
  }

  /** A mapping into `out`, pairs in order; merges write over what is there. */
  private mapping(n: YAML.YAMLMap, out: Map<unknown, unknown>): Map<unknown, unknown> {
    for (const pair of n.items) {
      const key = pair.key as Node;
      if (this.isMerge(key)) {
        this.merge(pair.value as Node, out);
        continue;
      }
      const k = this.decode(key);
      if (k instanceof Map || Array.isArray(k))
        throw new GoYamlError("invalid map key: a mapping or sequence");
      out.set(k, this.decode(pair.value as Node));
    }
    return out;
  }

  private mapInto(n: Node, out: Map<unknown, unknown>): void {
    this.decodeCount += 1;
    if (this.aliasDepth > 0) this.aliasCount += 1;
    if (YAML.isAlias(n)) {
      const target = this.target(n);
      if (!YAML.isMap(target)) throw wantMap();
      this.aliasDepth += 1;
      try {
        this.mapInto(target, out);
      } finally {
        this.aliasDepth -= 1;
      }
      return;
    }
    if (!YAML.isMap(n)) throw wantMap();
    this.mapping(n, out);
  }

  private merge(n: Node, out: Map<unknown, unknown>): void {
    if (YAML.isSeq(n)) {
      // Earlier mappings take precedence: merge them last.
      for (const item of [...n.items].reverse()) this.mapInto(item as Node, out);
    } else this.mapInto(n, out);
  }
}

function wantMap(): GoYamlError {
  return new GoYamlError("map merge requires map or sequence of maps as the value");
}

/** sigs.k8s.io/yaml's key conversion: ints, floats (32-bit 'g'), booleans; nothing else. */
function keyString(k: unknown): string {
  if (typeof k === "string") return k;
  if (typeof k === "boolean") return k ? "true" : "false";
  if (typeof k === "number") {
    if (Number.isInteger(k) && Math.abs(k) < 2 ** 63) return String(k);
    if (Number.isNaN(k)) return ".nan";
    if (!Number.isFinite(k)) return k > 0 ? ".inf" : "-.inf";
    return goFloat32(k);
  }
  throw new GoYamlError(`unsupported map key of type: ${k === null ? "<nil>" : typeof k}`);
}

/** strconv.FormatFloat(f, 'g', -1, 32). */
function goFloat32(f: number): string {
  const r = Math.fround(f);
  for (let p = 1; p <= 9; p++) {
    const s = r.toPrecision(p);
    if (Math.fround(Number(s)) === r) {
      const n = Number(s);
      const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
      if (exp < -4 || exp >= p) {
        const [m, e] = n.toExponential(p - 1).split("e");
        const mant = (m ?? "").includes(".") ? (m ?? "").replace(/\.?0+$/, "") : (m ?? "");
        const ev = Number(e);
        return `${mant}e${ev < 0 ? "-" : "+"}${String(Math.abs(ev)).padStart(2, "0")}`;
      }
      return String(n);
    }
  }
  return String(r);
}

/** The decoded value as JSON would carry it: maps become objects; NaN and ±Inf cannot. */
function toJson(v: unknown): unknown {
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) {
      Object.defineProperty(out, keyString(k), {
        value: toJson(val),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === "number" && !Number.isFinite(v))
    throw new GoYamlError(`json: unsupported value: ${v}`);
  return v;
}

/**
 * The first document of one chunk (what go-yaml's Unmarshal reads; anything after a `...` or a
 * second document in the chunk is ignored), as JSON-compatible values; null for an empty one.
 */
/**
 * The chunk with libyaml's line breaks as the `yaml` library knows them: libyaml (go-yaml's
 * reader and scanner) breaks a line at LF, CR LF, a lone CR, NEL, LS and PS, so a comment ends
 * there and the next key counts; YAML 1.2 breaks only at LF and CR LF. A lone CR and NEL become
 * LF, exactly as libyaml's read_line turns them into `\n`; LS and PS become LF too, which reads
 * the structure as libyaml does (every offset is kept), though libyaml keeps an LS or PS that
 * breaks a multi-line scalar in its value where this folds it to a space or newline.
 */
export function withLibyamlBreaks(chunk: string): string {
  return /[\r\u0085\u2028\u2029]/.test(chunk)
    ? chunk.replace(/\r(?!\n)|[\u0085\u2028\u2029]/g, "\n")
    : chunk;
}

export function decodeChunk(input: string): unknown {
  const chunk = withLibyamlBreaks(input);
  const docs = YAML.parseAllDocuments(chunk, {
    schema: "failsafe",
    merge: false,
    uniqueKeys: false,
    strict: false,
    intAsBigInt: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0] as YAML.Document.Parsed | undefined;
  if (!doc) return null;
  // Tolerated only when every such report comes with its closing bracket (an unclosed `[` also
  // reports BAD_INDENT, and go-yaml refuses that).
  const flow = doc.errors.filter(isFlowEndLeftOfItems);
  const closed =
    flow.length > 0 &&
    flow.filter((e) => e.code === "BAD_INDENT").length ===
      flow.filter((e) => e.code === "UNEXPECTED_TOKEN").length;
  const err = doc.errors.find((e) => !(closed && isFlowEndLeftOfItems(e)));
  if (err) {
    const message = err.message.split("\n")[0] ?? "";
    throw new GoYamlError(/call stack/.test(message) ? TOO_DEEP : message, err.pos[0]);
  }
  try {
    return toJson(new Decoder(doc).decode(doc.contents));
  } catch (e) {
    if (e instanceof RangeError) throw new GoYamlError(TOO_DEEP);
    throw e;
  }
}

/**
 * go-yaml accepts a flow collection closed left of its items (`]` at column 0, as in istio's
 * spire-quickstart.yaml); the `yaml` library reports it, and reads the collection the same way.
 */
function isFlowEndLeftOfItems(e: YAML.YAMLError): boolean {
  return (
    (e.code === "BAD_INDENT" &&
      /^Flow (sequence|mapping) in block collection must be sufficiently indented/.test(
        e.message,
      )) ||
    (e.code === "UNEXPECTED_TOKEN" && /^Unexpected flow-(seq|map)-end token/.test(e.message))
  );
}
