/** libyaml's node parsing (go.yaml.in/yaml/v2 v2.4.3 parserc.go yaml_parser_parse_node). */
import { type Parser, State, type StateType } from "./parser";
import { Ev, Style, Tok, type Token, type YamlEvent } from "./types";

/** yaml_parser_parse_node: an alias, a scalar, or the start of a collection, with its properties. */
export function parseNode(p: Parser, block: boolean, indentlessSequence: boolean): YamlEvent {
  let token = p.peekToken();
  if (token.type === Tok.ALIAS) {
    p.popState();
    p.skipToken();
    return { type: Ev.ALIAS, start: token.start, end: token.end, anchor: token.value };
  }
  let start = token.start;
  let end = token.start;
  let tagToken = false;
  let tagHandle = "";
  let tagSuffix = "";
  let anchor: string | undefined;
  let tagMark = token.start;
  const takeAnchor = (t: Token): void => {
    anchor = t.value ?? "";
    end = t.end;
    p.skipToken();
  };
  const takeTag = (t: Token): void => {
    tagToken = true;
    tagHandle = t.value ?? "";
    tagSuffix = t.suffix ?? "";
    tagMark = t.start;
    end = t.end;
    p.skipToken();
  };
  if (token.type === Tok.ANCHOR) {
    start = token.start;
    takeAnchor(token);
    token = p.peekToken();
    if (token.type === Tok.TAG) {
      takeTag(token);
      token = p.peekToken();
    }
  } else if (token.type === Tok.TAG) {
    start = token.start;
    takeTag(token);
    token = p.peekToken();
    if (token.type === Tok.ANCHOR) {
      takeAnchor(token);
      token = p.peekToken();
    }
  }
  let tag = "";
  if (tagToken) {
    if (tagHandle === "") tag = tagSuffix;
    else {
      const directive = p.tagDirectives.find((d) => d.handle === tagHandle);
      if (directive) tag = directive.prefix + tagSuffix;
      if (tag === "")
        throw p.error("found undefined tag handle", tagMark, "while parsing a node", start);
    }
  }
  const implicit = tag === "";
  const collection = (
    type: typeof Ev.SEQUENCE_START | typeof Ev.MAPPING_START,
    next: StateType,
  ): YamlEvent => {
    p.state = next;
    return { type, start, end: token.end, anchor, tag, implicit };
  };
  if (indentlessSequence && token.type === Tok.BLOCK_ENTRY) {
    end = token.end;
    p.state = State.INDENTLESS_SEQUENCE_ENTRY;
    return { type: Ev.SEQUENCE_START, start, end, anchor, tag, implicit };
  }
  if (token.type === Tok.SCALAR) {
    const plainImplicit = (tag === "" && token.style === Style.PLAIN) || tag === "!";
    const quotedImplicit = !plainImplicit && tag === "";
    p.popState();
    p.skipToken();
    return {
      type: Ev.SCALAR,
      start,
      end: token.end,
      anchor,
      tag,
      value: token.value ?? "",
      implicit: plainImplicit,
      quotedImplicit,
      style: token.style ?? Style.PLAIN,
    };
  }
  if (token.type === Tok.FLOW_SEQUENCE_START)
    return collection(Ev.SEQUENCE_START, State.FLOW_SEQUENCE_FIRST_ENTRY);
  if (token.type === Tok.FLOW_MAPPING_START)
    return collection(Ev.MAPPING_START, State.FLOW_MAPPING_FIRST_KEY);
  if (block && token.type === Tok.BLOCK_SEQUENCE_START)
    return collection(Ev.SEQUENCE_START, State.BLOCK_SEQUENCE_FIRST_ENTRY);
  if (block && token.type === Tok.BLOCK_MAPPING_START)
    return collection(Ev.MAPPING_START, State.BLOCK_MAPPING_FIRST_KEY);
  if (anchor !== undefined || tag !== "") {
    p.popState();
    return {
      type: Ev.SCALAR,
      start,
      end,
      anchor,
      tag,
      value: "",
      implicit,
      quotedImplicit: false,
      style: Style.PLAIN,
    };
  }
  throw p.error(
    "did not find expected node content",
    token.start,
    block ? "while parsing a block node" : "while parsing a flow node",
    start,
  );
}
