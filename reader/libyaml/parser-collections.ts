/**
 * libyaml's parser, part two (go.yaml.in/yaml/v2 v2.4.3 parserc.go): block and flow sequences
 * and mappings.
 */
import { emptyScalar, type Parser, State, type StateType } from "./parser";
import { parseNode } from "./parser-node";
import { Ev, Style, Tok, type YamlEvent } from "./types";

export function parseCollectionState(p: Parser, state: StateType): YamlEvent {
  switch (state) {
    case State.BLOCK_SEQUENCE_FIRST_ENTRY:
      return blockSequenceEntry(p, true);
    case State.BLOCK_SEQUENCE_ENTRY:
      return blockSequenceEntry(p, false);
    case State.INDENTLESS_SEQUENCE_ENTRY:
      return indentlessSequenceEntry(p);
    case State.BLOCK_MAPPING_FIRST_KEY:
      return blockMappingKey(p, true);
    case State.BLOCK_MAPPING_KEY:
      return blockMappingKey(p, false);
    case State.BLOCK_MAPPING_VALUE:
      return blockMappingValue(p);
    case State.FLOW_SEQUENCE_FIRST_ENTRY:
      return flowSequenceEntry(p, true);
    case State.FLOW_SEQUENCE_ENTRY:
      return flowSequenceEntry(p, false);
    case State.FLOW_SEQUENCE_ENTRY_MAPPING_KEY:
      return flowSequenceEntryMappingKey(p);
    case State.FLOW_SEQUENCE_ENTRY_MAPPING_VALUE:
      return flowSequenceEntryMappingValue(p);
    case State.FLOW_SEQUENCE_ENTRY_MAPPING_END:
      return flowSequenceEntryMappingEnd(p);
    case State.FLOW_MAPPING_FIRST_KEY:
      return flowMappingKey(p, true);
    case State.FLOW_MAPPING_KEY:
      return flowMappingKey(p, false);
    case State.FLOW_MAPPING_VALUE:
      return flowMappingValue(p, false);
    case State.FLOW_MAPPING_EMPTY_VALUE:
      return flowMappingValue(p, true);
    default:
      throw new Error(`invalid parser state ${state}`);
  }
}

/** The first call of a collection's state takes its start token and remembers where it began. */
function takeStart(p: Parser): void {
  p.marks.push(p.peekToken().start);
  p.skipToken();
}

function collectionEnd(p: Parser, type: typeof Ev.SEQUENCE_END | typeof Ev.MAPPING_END): YamlEvent {
  const token = p.peekToken();
  p.popState();
  p.marks.pop();
  p.skipToken();
  return { type, start: token.start, end: token.end };
}

function collectionError(p: Parser, context: string, problem: string): Error {
  const contextMark = p.marks.pop();
  return p.error(problem, p.peekToken().start, context, contextMark);
}

function blockSequenceEntry(p: Parser, first: boolean): YamlEvent {
  if (first) takeStart(p);
  let token = p.peekToken();
  if (token.type === Tok.BLOCK_ENTRY) {
    const mark = token.end;
    p.skipToken();
    token = p.peekToken();
    if (token.type !== Tok.BLOCK_ENTRY && token.type !== Tok.BLOCK_END) {
      p.states.push(State.BLOCK_SEQUENCE_ENTRY);
      return parseNode(p, true, false);
    }
    p.state = State.BLOCK_SEQUENCE_ENTRY;
    return emptyScalar(mark);
  }
  if (token.type === Tok.BLOCK_END) return collectionEnd(p, Ev.SEQUENCE_END);
  throw collectionError(
    p,
    "while parsing a block collection",
    "did not find expected '-' indicator",
  );
}

function indentlessSequenceEntry(p: Parser): YamlEvent {
  let token = p.peekToken();
  if (token.type === Tok.BLOCK_ENTRY) {
    const mark = token.end;
    p.skipToken();
    token = p.peekToken();
    if (
      token.type !== Tok.BLOCK_ENTRY &&
      token.type !== Tok.KEY &&
      token.type !== Tok.VALUE &&
      token.type !== Tok.BLOCK_END
    ) {
      p.states.push(State.INDENTLESS_SEQUENCE_ENTRY);
      return parseNode(p, true, false);
    }
    p.state = State.INDENTLESS_SEQUENCE_ENTRY;
    return emptyScalar(mark);
  }
  p.popState();
  return { type: Ev.SEQUENCE_END, start: token.start, end: token.start };
}

function blockMappingKey(p: Parser, first: boolean): YamlEvent {
  if (first) takeStart(p);
  let token = p.peekToken();
  if (token.type === Tok.KEY) {
    const mark = token.end;
    p.skipToken();
    token = p.peekToken();
    if (token.type !== Tok.KEY && token.type !== Tok.VALUE && token.type !== Tok.BLOCK_END) {
      p.states.push(State.BLOCK_MAPPING_VALUE);
      return parseNode(p, true, true);
    }
    p.state = State.BLOCK_MAPPING_VALUE;
    return emptyScalar(mark);
  }
  if (token.type === Tok.BLOCK_END) return collectionEnd(p, Ev.MAPPING_END);
  throw collectionError(p, "while parsing a block mapping", "did not find expected key");
}

function blockMappingValue(p: Parser): YamlEvent {
  let token = p.peekToken();
  if (token.type === Tok.VALUE) {
    const mark = token.end;
    p.skipToken();
    token = p.peekToken();
    if (token.type !== Tok.KEY && token.type !== Tok.VALUE && token.type !== Tok.BLOCK_END) {
      p.states.push(State.BLOCK_MAPPING_KEY);
      return parseNode(p, true, true);
    }
    p.state = State.BLOCK_MAPPING_KEY;
    return emptyScalar(mark);
  }
  p.state = State.BLOCK_MAPPING_KEY;
  return emptyScalar(token.start);
}

function flowSequenceEntry(p: Parser, first: boolean): YamlEvent {
  if (first) takeStart(p);
  let token = p.peekToken();
  if (token.type !== Tok.FLOW_SEQUENCE_END) {
    if (!first) {
      if (token.type !== Tok.FLOW_ENTRY)
        throw collectionError(
          p,
          "while parsing a flow sequence",
          "did not find expected ',' or ']'",
        );
      p.skipToken();
      token = p.peekToken();
    }
    if (token.type === Tok.KEY) {
      p.state = State.FLOW_SEQUENCE_ENTRY_MAPPING_KEY;
      p.skipToken();
      return {
        type: Ev.MAPPING_START,
        start: token.start,
        end: token.end,
        implicit: true,
        tag: "",
        style: Style.PLAIN,
      };
    }
    if (token.type !== Tok.FLOW_SEQUENCE_END) {
      p.states.push(State.FLOW_SEQUENCE_ENTRY);
      return parseNode(p, false, false);
    }
  }
  return collectionEnd(p, Ev.SEQUENCE_END);
}

function flowSequenceEntryMappingKey(p: Parser): YamlEvent {
  const token = p.peekToken();
  if (
    token.type !== Tok.VALUE &&
    token.type !== Tok.FLOW_ENTRY &&
    token.type !== Tok.FLOW_SEQUENCE_END
  ) {
    p.states.push(State.FLOW_SEQUENCE_ENTRY_MAPPING_VALUE);
    return parseNode(p, false, false);
  }
  const mark = token.end;
  p.skipToken();
  p.state = State.FLOW_SEQUENCE_ENTRY_MAPPING_VALUE;
  return emptyScalar(mark);
}

function flowSequenceEntryMappingValue(p: Parser): YamlEvent {
  const token = p.peekToken();
  if (token.type === Tok.VALUE) {
    p.skipToken();
    const next = p.peekToken();
    if (next.type !== Tok.FLOW_ENTRY && next.type !== Tok.FLOW_SEQUENCE_END) {
      p.states.push(State.FLOW_SEQUENCE_ENTRY_MAPPING_END);
      return parseNode(p, false, false);
    }
  }
  p.state = State.FLOW_SEQUENCE_ENTRY_MAPPING_END;
  // go-yaml marks the empty value at the token it first peeked (the shadowed `token` in Go).
  return emptyScalar(token.start);
}

function flowSequenceEntryMappingEnd(p: Parser): YamlEvent {
  const token = p.peekToken();
  p.state = State.FLOW_SEQUENCE_ENTRY;
  return { type: Ev.MAPPING_END, start: token.start, end: token.start };
}

function flowMappingKey(p: Parser, first: boolean): YamlEvent {
  if (first) takeStart(p);
  let token = p.peekToken();
  if (token.type !== Tok.FLOW_MAPPING_END) {
    if (!first) {
      if (token.type !== Tok.FLOW_ENTRY)
        throw collectionError(
          p,
          "while parsing a flow mapping",
          "did not find expected ',' or '}'",
        );
      p.skipToken();
      token = p.peekToken();
    }
    if (token.type === Tok.KEY) {
      p.skipToken();
      token = p.peekToken();
      if (
        token.type !== Tok.VALUE &&
        token.type !== Tok.FLOW_ENTRY &&
        token.type !== Tok.FLOW_MAPPING_END
      ) {
        p.states.push(State.FLOW_MAPPING_VALUE);
        return parseNode(p, false, false);
      }
      p.state = State.FLOW_MAPPING_VALUE;
      return emptyScalar(token.start);
    }
    if (token.type !== Tok.FLOW_MAPPING_END) {
      p.states.push(State.FLOW_MAPPING_EMPTY_VALUE);
      return parseNode(p, false, false);
    }
  }
  return collectionEnd(p, Ev.MAPPING_END);
}

function flowMappingValue(p: Parser, empty: boolean): YamlEvent {
  let token = p.peekToken();
  if (empty) {
    p.state = State.FLOW_MAPPING_KEY;
    return emptyScalar(token.start);
  }
  if (token.type === Tok.VALUE) {
    p.skipToken();
    token = p.peekToken();
    if (token.type !== Tok.FLOW_ENTRY && token.type !== Tok.FLOW_MAPPING_END) {
      p.states.push(State.FLOW_MAPPING_KEY);
      return parseNode(p, false, false);
    }
  }
  p.state = State.FLOW_MAPPING_KEY;
  return emptyScalar(token.start);
}
