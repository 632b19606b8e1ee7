/**
 * libyaml's scanner state (go.yaml.in/yaml/v2 v2.4.3 scannerc.go): the token queue, simple keys,
 * indentation and flow levels. The fetchers that decide which token comes next are in fetch.ts,
 * the scanners of scalars in scan-block-scalar.ts and scan-scalars.ts, of directives, anchors and
 * tags in scan-tags.ts. Names follow the Go functions (yaml_parser_save_simple_key is
 * saveSimpleKey).
 */
import { Reader } from "./reader";
import { LibyamlError, type Mark, Tok, type Token, type TokType } from "./types";

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;

export class Scanner extends Reader {
  tokens: Token[] = [];
  tokensHead = 0;
  tokensParsed = 0;
  tokenAvailable = false;
  streamStartProduced = false;
  streamEndProduced = false;
  indent = 0;
  indents: number[] = [];
  simpleKeyAllowed = false;
  simpleKeys: SimpleKey[] = [];
  simpleKeysByTok = new Map<number, number>();
  flowLevel = 0;

  error(context: string, contextMark: Mark, problem: string): LibyamlError {
    return new LibyamlError(problem, this.here(), context, contextMark);
  }

  /** yaml_insert_token: at `pos` places after the head, or at the end when pos is -1. */
  insertToken(pos: number, token: Token): void {
    if (this.tokensHead > 1024) {
      this.tokens = this.tokens.slice(this.tokensHead);
      this.tokensHead = 0;
    }
    if (pos < 0) this.tokens.push(token);
    else this.tokens.splice(this.tokensHead + pos, 0, token);
  }

  /** Tokens are numbered from the start of the stream (tokens_parsed counts those taken). */
  private nextTokenNumber(): number {
    return this.tokensParsed + (this.tokens.length - this.tokensHead);
  }

  simpleKeyIsValid(key: SimpleKey): boolean {
    if (!key.possible) return false;
    if (key.mark.line < this.mark.line || key.mark.index + 1024 < this.mark.index) {
      if (key.required)
        throw this.error("while scanning a simple key", key.mark, "could not find expected ':'");
      key.possible = false;
      return false;
    }
    return true;
  }

  saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.mark.column;
    if (this.simpleKeyAllowed) {
      const key = {
        possible: true,
        required,
        tokenNumber: this.nextTokenNumber(),
        mark: this.here(),
      };
      this.removeSimpleKey();
      this.simpleKeys[this.simpleKeys.length - 1] = key;
      this.simpleKeysByTok.set(key.tokenNumber, this.simpleKeys.length - 1);
    }
  }

  removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (key?.possible) {
      if (key.required)
        throw this.error("while scanning a simple key", key.mark, "could not find expected ':'");
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
    }
  }

  increaseFlowLevel(): void {
    const mark = this.here();
    this.simpleKeys.push({
      possible: false,
      required: false,
      tokenNumber: this.nextTokenNumber(),
      mark,
    });
    this.flowLevel += 1;
    if (this.flowLevel > MAX_FLOW_LEVEL)
      throw this.error(
        "while increasing flow level",
        mark,
        `exceeded max depth of ${MAX_FLOW_LEVEL}`,
      );
  }

  decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel -= 1;
      const last = this.simpleKeys.pop();
      if (last) this.simpleKeysByTok.delete(last.tokenNumber);
    }
  }

  rollIndent(column: number, number: number, type: TokType, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      if (this.indents.length > MAX_INDENTS)
        throw this.error(
          "while increasing indent level",
          this.simpleKeys[this.simpleKeys.length - 1]?.mark ?? mark,
          `exceeded max depth of ${MAX_INDENTS}`,
        );
      this.insertToken(number > -1 ? number - this.tokensParsed : number, {
        type,
        start: mark,
        end: mark,
      });
    }
  }

  unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.insertToken(-1, { type: Tok.BLOCK_END, start: this.here(), end: this.here() });
      this.indent = this.indents.pop() ?? -1;
    }
  }

  /** A one-character token: the cursor's character, consumed. */
  simpleToken(type: TokType): void {
    const start = this.here();
    this.skip();
    this.insertToken(-1, { type, start, end: this.here() });
  }
}
