/**
 * go-yaml's node tree (go.yaml.in/yaml/v2 v2.4.3 decode.go `parser`): the first document of the
 * input, built from libyaml's events. Anchors are registered as their node starts, so an alias
 * finds the nearest anchor of its name before it, or its own collection while inside it.
 */
import { Parser } from "./parser";
import { Ev, type EvType, LibyamlError, type YamlEvent } from "./types";

export type NodeKind = "document" | "mapping" | "sequence" | "scalar" | "alias";

export interface YamlNode {
  kind: NodeKind;
  line: number;
  column: number;
  tag: string;
  value: string;
  implicit: boolean;
  children: YamlNode[];
  /** An alias's target. */
  alias?: YamlNode;
}

/** A document go-yaml refuses while reading it, in go-yaml's words, and where (UTF-16 offset). */
export class ComposeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Composer {
  private readonly parser: Parser;
  private event: YamlEvent | undefined;
  private anchors = new Map<string, YamlNode>();

  constructor(input: string) {
    // decode.go newParser: an empty input is read as one line break.
    this.parser = new Parser(input === "" ? "\n" : input);
  }

  fail(e: unknown): never {
    if (e instanceof LibyamlError)
      throw new ComposeError(
        e.describe(),
        this.offset((e.problemMark ?? e.contextMark ?? this.parser.scanner.mark).index),
      );
    throw e;
  }

  private next(): YamlEvent | undefined {
    try {
      return this.parser.parse();
    } catch (e) {
      return this.fail(e);
    }
  }

  peek(): EvType | 0 {
    this.event ??= this.next();
    return this.event?.type ?? 0;
  }

  expect(type: EvType): void {
    this.event ??= this.next();
    if (this.event?.type === Ev.STREAM_END)
      throw new ComposeError(
        "attempted to go past the end of stream; corrupted value?",
        this.here(),
      );
    if (this.event?.type !== type)
      throw new ComposeError(
        `expected event ${type} but got ${this.event?.type ?? "none"}`,
        this.here(),
      );
    this.event = undefined;
  }

  private here(): number {
    return this.offset(this.parser.scanner.mark.index);
  }

  private offset(index: number): number {
    return this.parser.scanner.utf16Offset(index);
  }

  private node(kind: NodeKind): YamlNode {
    const e = this.current();
    return {
      kind,
      line: e.start.line,
      column: e.start.column,
      tag: "",
      value: "",
      implicit: false,
      children: [],
    };
  }

  private current(): YamlEvent {
    this.peek();
    if (!this.event) throw new ComposeError("unknown problem parsing YAML content", this.here());
    return this.event;
  }

  private anchor(n: YamlNode): void {
    const name = this.current().anchor;
    if (name !== undefined) this.anchors.set(name, n);
  }

  /** decode.go parser.parse. */
  parse(): YamlNode | null {
    switch (this.peek()) {
      case Ev.SCALAR:
        return this.scalar();
      case Ev.ALIAS:
        return this.alias();
      case Ev.MAPPING_START:
        return this.collection("mapping", Ev.MAPPING_START, Ev.MAPPING_END);
      case Ev.SEQUENCE_START:
        return this.collection("sequence", Ev.SEQUENCE_START, Ev.SEQUENCE_END);
      case Ev.DOCUMENT_START:
        return this.document();
      case Ev.STREAM_END:
        return null;
      default:
        throw new ComposeError("attempted to parse unknown event", this.here());
    }
  }

  private document(): YamlNode {
    const n = this.node("document");
    this.anchors = new Map();
    this.expect(Ev.DOCUMENT_START);
    const child = this.parse();
    if (child) n.children.push(child);
    this.expect(Ev.DOCUMENT_END);
    return n;
  }

  private alias(): YamlNode {
    const n = this.node("alias");
    n.value = this.current().anchor ?? "";
    n.alias = this.anchors.get(n.value);
    if (!n.alias)
      throw new ComposeError(
        `unknown anchor '${n.value}' referenced`,
        this.offset(this.current().start.index),
      );
    this.expect(Ev.ALIAS);
    return n;
  }

  private scalar(): YamlNode {
    const n = this.node("scalar");
    const e = this.current();
    n.value = e.value ?? "";
    n.tag = e.tag ?? "";
    n.implicit = e.implicit ?? false;
    this.anchor(n);
    this.expect(Ev.SCALAR);
    return n;
  }

  private collection(kind: "mapping" | "sequence", start: EvType, end: EvType): YamlNode {
    const n = this.node(kind);
    this.anchor(n);
    this.expect(start);
    while (this.peek() !== end) {
      const child = this.parse();
      if (child) n.children.push(child);
    }
    this.expect(end);
    return n;
  }
}

/** The init step and the first document (yaml.go unmarshal: p.init(), then p.parse()). */
export function composeFirstDocument(input: string): YamlNode | null {
  const c = new Composer(input);
  c.expect(Ev.STREAM_START);
  return c.parse();
}
