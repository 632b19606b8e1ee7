/**
 * One YAML document decoded the way Kubernetes decodes it: go-yaml v2 read by a port of its own
 * reader, scanner and parser (reader/libyaml, go.yaml.in/yaml/v2 v2.4.3, what sigs.k8s.io/yaml
 * v1.6.0 and so kubectl 1.36 use), then go-yaml's rules for decoding into `interface{}`
 * (decode.go, resolve.go), then sigs.k8s.io/yaml's conversion to JSON:
 * - plain scalars resolve by go-yaml's table (YAML 1.1 booleans, `0o`/`0x`/`0b`/leading-0 ints,
 *   `_` in numbers, timestamps kept as their text); quoted and block scalars are strings; an
 *   explicit `!!int`, `!!bool`… must fit; an unknown tag leaves the text; `!!binary` is decoded;
 * - mappings are read in order: a merge key (`<<`) writes its mappings' keys over what is there,
 *   a later key overwrites an earlier one (so the last of duplicates wins);
 * - aliases are expanded, and refused past go-yaml's alias ratio ("excessive aliasing");
 * - keys become strings (ints, floats in 32-bit 'g' form, booleans); other keys are an error.
 */
import { ComposeError, composeFirstDocument, type YamlNode } from "./libyaml/compose";
import { BINARY, GoYamlError, MERGE, TOO_DEEP, allowedAliasRatio, resolve } from "./goyaml-resolve";

export { GoYamlError, TOO_DEEP, resolve } from "./goyaml-resolve";

/** encoding/json's limit, which kubectl meets when it decodes the converted document. */
const MAX_DEPTH = 10_000;

/** go-yaml's decoder (decode.go) for `interface{}`, over the node tree. */
class Decoder {
  private depth = 0;
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<YamlNode>();

  /** decode.go unmarshal: counts every node, and refuses past the alias ratio. */
  decode(n: YamlNode): unknown {
    this.count();
    switch (n.kind) {
      case "document":
        return n.children.length === 1 && n.children[0] ? this.decode(n.children[0]) : null;
      case "alias":
        return this.alias(n);
      case "scalar":
        return this.scalar(n);
      default: {
        this.depth += 1;
        if (this.depth > MAX_DEPTH) throw new GoYamlError(`exceeded max depth of ${MAX_DEPTH}`);
        try {
          return n.kind === "mapping"
            ? this.mapping(n, new Map())
            : n.children.map((item) => this.decode(item));
        } finally {
          this.depth -= 1;
        }
      }
    }
  }

  private count(): void {
    this.decodeCount += 1;
    if (this.aliasDepth > 0) this.aliasCount += 1;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    )
      throw new GoYamlError("document contains excessive aliasing");
  }

  private alias(n: YamlNode): unknown {
    return this.expand(n, (target) => this.decode(target));
  }

  /** An alias's target, decoded by `use` while the alias counts as being expanded (decode.go alias). */
  private expand<T>(n: YamlNode, use: (target: YamlNode) => T): T | null {
    if (this.expanding.has(n)) throw new GoYamlError(`anchor '${n.value}' value contains itself`);
    this.expanding.add(n);
    this.aliasDepth += 1;
    try {
      return n.alias ? use(n.alias) : null;
    } finally {
      this.aliasDepth -= 1;
      this.expanding.delete(n);
    }
  }

  private scalar(n: YamlNode): unknown {
    if (n.tag === "" && !n.implicit) return n.value;
    const [tag, value] = resolve(n.tag, n.value);
    if (tag === BINARY) {
      const clean = n.value.replace(/[\r\n]/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
        throw new GoYamlError("!!binary value contains invalid base64 data");
      return Buffer.from(clean, "base64").toString("utf8");
    }
    return value;
  }

  /** decode.go isMerge. */
  private isMerge(key: YamlNode): boolean {
    return key.kind === "scalar" && key.value === "<<" && (key.implicit || key.tag === MERGE);
  }

  /** A mapping into `out`, pairs in order; merges write over what is there. */
  private mapping(n: YamlNode, out: Map<unknown, unknown>): Map<unknown, unknown> {
    for (let i = 0; i + 1 < n.children.length; i += 2) {
      const key = n.children[i];
      const value = n.children[i + 1];
      if (this.isMerge(key)) {
        this.merge(value, out);
        continue;
      }
      const k = this.decode(key);
      if (k instanceof Map || Array.isArray(k))
        throw new GoYamlError("invalid map key: a mapping or sequence");
      out.set(k, this.decode(value));
    }
    return out;
  }

  /** decode.go unmarshal of a mapping (or an alias of one) into the map being built. */
  private mapInto(n: YamlNode, out: Map<unknown, unknown>): void {
    this.count();
    if (n.kind === "alias") {
      this.expand(n, (target) => this.mapInto(target, out));
      return;
    }
    if (n.kind !== "mapping") throw wantMap();
    this.mapping(n, out);
  }

  /** decode.go merge: a mapping, an alias of one, or a sequence of those (earlier ones win). */
  private merge(n: YamlNode, out: Map<unknown, unknown>): void {
    const isMap = (x: YamlNode): boolean =>
      x.kind === "mapping" || (x.kind === "alias" && x.alias?.kind === "mapping");
    if (n.kind === "sequence") {
      for (const item of [...n.children].reverse()) {
        if (!isMap(item)) throw wantMap();
        this.mapInto(item, out);
      }
    } else if (isMap(n)) this.mapInto(n, out);
    else throw wantMap();
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
 * The first document of one chunk (what go-yaml's Unmarshal reads; anything after it in the chunk
 * is read only as far as libyaml's lookahead goes), as JSON-compatible values; null for an empty
 * one.
 */
export function decodeChunk(input: string): unknown {
  let root: YamlNode | null;
  try {
    root = composeFirstDocument(input);
  } catch (e) {
    if (e instanceof ComposeError) throw new GoYamlError(e.message, e.offset);
    if (e instanceof RangeError) throw new GoYamlError(TOO_DEEP);
    throw e;
  }
  if (!root) return null;
  try {
    return toJson(new Decoder().decode(root));
  } catch (e) {
    if (e instanceof RangeError) throw new GoYamlError(TOO_DEEP);
    throw e;
  }
}
