/**
 * libyaml's parser (go.yaml.in/yaml/v2 v2.4.3 parserc.go): the state machine's driver, streams,
 * documents and directives. Nodes are parsed in parser-node.ts, collections in
 * parser-collections.ts.
 */
import * as collections from "./parser-collections";
import { fetchMoreTokens } from "./fetch";
import { parseNode } from "./parser-node";
import { Scanner } from "./scanner";
import { Ev, LibyamlError, type Mark, Style, Tok, type Token, type YamlEvent } from "./types";

export const State = {
  STREAM_START: 0,
  IMPLICIT_DOCUMENT_START: 1,
  DOCUMENT_START: 2,
  DOCUMENT_CONTENT: 3,
  DOCUMENT_END: 4,
  BLOCK_NODE: 5,
  BLOCK_NODE_OR_INDENTLESS_SEQUENCE: 6,
  FLOW_NODE: 7,
  BLOCK_SEQUENCE_FIRST_ENTRY: 8,
  BLOCK_SEQUENCE_ENTRY: 9,
  INDENTLESS_SEQUENCE_ENTRY: 10,
  BLOCK_MAPPING_FIRST_KEY: 11,
  BLOCK_MAPPING_KEY: 12,
  BLOCK_MAPPING_VALUE: 13,
  FLOW_SEQUENCE_FIRST_ENTRY: 14,
  FLOW_SEQUENCE_ENTRY: 15,
  FLOW_SEQUENCE_ENTRY_MAPPING_KEY: 16,
  FLOW_SEQUENCE_ENTRY_MAPPING_VALUE: 17,
  FLOW_SEQUENCE_ENTRY_MAPPING_END: 18,
  FLOW_MAPPING_FIRST_KEY: 19,
  FLOW_MAPPING_KEY: 20,
  FLOW_MAPPING_VALUE: 21,
  FLOW_MAPPING_EMPTY_VALUE: 22,
  END: 23,
} as const;
export type StateType = (typeof State)[keyof typeof State];

export interface TagDirective {
  handle: string;
  prefix: string;
}

const DEFAULT_TAG_DIRECTIVES: TagDirective[] = [
  { handle: "!", prefix: "!" },
  { handle: "!!", prefix: "tag:yaml.org,2002:" },
];

export class Parser {
  readonly scanner: Scanner;
  state: StateType = State.STREAM_START;
  states: StateType[] = [];
  marks: Mark[] = [];
  tagDirectives: TagDirective[] = [];

  constructor(input: string) {
    this.scanner = new Scanner(input);
  }

  error(problem: string, problemMark: Mark, context = "", contextMark?: Mark): LibyamlError {
    return new LibyamlError(problem, problemMark, context, contextMark);
  }

  peekToken(): Token {
    const s = this.scanner;
    if (!s.tokenAvailable) fetchMoreTokens(s);
    const token = s.tokens[s.tokensHead];
    if (!token) throw this.error("no token", s.here());
    return token;
  }

  skipToken(): void {
    const s = this.scanner;
    s.tokenAvailable = false;
    s.tokensParsed += 1;
    s.streamEndProduced = s.tokens[s.tokensHead]?.type === Tok.STREAM_END;
    s.tokensHead += 1;
  }

  popState(): void {
    this.state = this.states.pop() ?? State.END;
  }

  /** yaml_parser_parse: the next event, or undefined once the stream has ended. */
  parse(): YamlEvent | undefined {
    if (this.scanner.streamEndProduced || this.state === State.END) return undefined;
    return this.machine();
  }

  private machine(): YamlEvent {
    switch (this.state) {
      case State.STREAM_START:
        return this.streamStart();
      case State.IMPLICIT_DOCUMENT_START:
        return this.documentStart(true);
      case State.DOCUMENT_START:
        return this.documentStart(false);
      case State.DOCUMENT_CONTENT:
        return this.documentContent();
      case State.DOCUMENT_END:
        return this.documentEnd();
      case State.BLOCK_NODE:
        return parseNode(this, true, false);
      case State.BLOCK_NODE_OR_INDENTLESS_SEQUENCE:
        return parseNode(this, true, true);
      case State.FLOW_NODE:
        return parseNode(this, false, false);
      default:
        return collections.parseCollectionState(this, this.state);
    }
  }

  private streamStart(): YamlEvent {
    const token = this.peekToken();
    if (token.type !== Tok.STREAM_START)
      throw this.error("did not find expected <stream-start>", token.start);
    this.state = State.IMPLICIT_DOCUMENT_START;
    this.skipToken();
    return { type: Ev.STREAM_START, start: token.start, end: token.end };
  }

  private documentStart(implicit: boolean): YamlEvent {
    let token = this.peekToken();
    if (!implicit) {
      while (token.type === Tok.DOCUMENT_END) {
        this.skipToken();
        token = this.peekToken();
      }
    }
    if (
      implicit &&
      token.type !== Tok.VERSION_DIRECTIVE &&
      token.type !== Tok.TAG_DIRECTIVE &&
      token.type !== Tok.DOCUMENT_START &&
      token.type !== Tok.STREAM_END
    ) {
      this.processDirectives();
      this.states.push(State.DOCUMENT_END);
      this.state = State.BLOCK_NODE;
      return { type: Ev.DOCUMENT_START, start: token.start, end: token.end };
    }
    if (token.type !== Tok.STREAM_END) {
      const start = token.start;
      this.processDirectives();
      token = this.peekToken();
      if (token.type !== Tok.DOCUMENT_START)
        throw this.error("did not find expected <document start>", token.start);
      this.states.push(State.DOCUMENT_END);
      this.state = State.DOCUMENT_CONTENT;
      this.skipToken();
      return { type: Ev.DOCUMENT_START, start, end: token.end, implicit: false };
    }
    this.state = State.END;
    this.skipToken();
    return { type: Ev.STREAM_END, start: token.start, end: token.end };
  }

  private documentContent(): YamlEvent {
    const token = this.peekToken();
    const t = token.type;
    if (
      t === Tok.VERSION_DIRECTIVE ||
      t === Tok.TAG_DIRECTIVE ||
      t === Tok.DOCUMENT_START ||
      t === Tok.DOCUMENT_END ||
      t === Tok.STREAM_END
    ) {
      this.popState();
      return emptyScalar(token.start);
    }
    return parseNode(this, true, false);
  }

  private documentEnd(): YamlEvent {
    const token = this.peekToken();
    const start = token.start;
    let end = token.start;
    let implicit = true;
    if (token.type === Tok.DOCUMENT_END) {
      end = token.end;
      this.skipToken();
      implicit = false;
    }
    this.tagDirectives = [];
    this.state = State.DOCUMENT_START;
    return { type: Ev.DOCUMENT_END, start, end, implicit };
  }

  private processDirectives(): void {
    let token = this.peekToken();
    let version = false;
    while (token.type === Tok.VERSION_DIRECTIVE || token.type === Tok.TAG_DIRECTIVE) {
      if (token.type === Tok.VERSION_DIRECTIVE) {
        if (version) throw this.error("found duplicate %YAML directive", token.start);
        if (token.major !== 1 || token.minor !== 1)
          throw this.error("found incompatible YAML document", token.start);
        version = true;
      } else {
        this.appendTagDirective(
          { handle: token.value ?? "", prefix: token.prefix ?? "" },
          false,
          token.start,
        );
      }
      this.skipToken();
      token = this.peekToken();
    }
    for (const d of DEFAULT_TAG_DIRECTIVES) this.appendTagDirective(d, true, token.start);
  }

  private appendTagDirective(value: TagDirective, allowDuplicates: boolean, mark: Mark): void {
    if (this.tagDirectives.some((d) => d.handle === value.handle)) {
      if (allowDuplicates) return;
      throw this.error("found duplicate %TAG directive", mark);
    }
    this.tagDirectives.push({ ...value });
  }
}

export function emptyScalar(mark: Mark): YamlEvent {
  return { type: Ev.SCALAR, start: mark, end: mark, value: "", implicit: true, style: Style.PLAIN };
}
