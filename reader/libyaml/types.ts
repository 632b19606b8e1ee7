/** libyaml's marks, tokens, events and errors (go.yaml.in/yaml/v2 v2.4.3 yamlh.go). */

export interface Mark {
  /** Characters from the start of the input (after a leading byte-order mark). */
  index: number;
  line: number;
  column: number;
}

export const Tok = {
  STREAM_START: 1,
  STREAM_END: 2,
  VERSION_DIRECTIVE: 3,
  TAG_DIRECTIVE: 4,
  DOCUMENT_START: 5,
  DOCUMENT_END: 6,
  BLOCK_SEQUENCE_START: 7,
  BLOCK_MAPPING_START: 8,
  BLOCK_END: 9,
  FLOW_SEQUENCE_START: 10,
  FLOW_SEQUENCE_END: 11,
  FLOW_MAPPING_START: 12,
  FLOW_MAPPING_END: 13,
  BLOCK_ENTRY: 14,
  FLOW_ENTRY: 15,
  KEY: 16,
  VALUE: 17,
  ALIAS: 18,
  ANCHOR: 19,
  TAG: 20,
  SCALAR: 21,
} as const;
export type TokType = (typeof Tok)[keyof typeof Tok];

export const Style = { PLAIN: 1, SINGLE_QUOTED: 2, DOUBLE_QUOTED: 3, LITERAL: 4, FOLDED: 5 };

export interface Token {
  type: TokType;
  start: Mark;
  end: Mark;
  /** A scalar's value, an anchor's or alias's name, a tag's handle, a %TAG directive's handle. */
  value?: string;
  /** A tag's suffix. */
  suffix?: string;
  /** A %TAG directive's prefix. */
  prefix?: string;
  style?: number;
  major?: number;
  minor?: number;
}

export const Ev = {
  STREAM_START: 1,
  STREAM_END: 2,
  DOCUMENT_START: 3,
  DOCUMENT_END: 4,
  ALIAS: 5,
  SCALAR: 6,
  SEQUENCE_START: 7,
  SEQUENCE_END: 8,
  MAPPING_START: 9,
  MAPPING_END: 10,
} as const;
export type EvType = (typeof Ev)[keyof typeof Ev];

export interface YamlEvent {
  type: EvType;
  start: Mark;
  end: Mark;
  anchor?: string;
  tag?: string;
  value?: string;
  /** A scalar: plain with no tag, or tagged `!`. A collection: no tag. */
  implicit?: boolean;
  quotedImplicit?: boolean;
  style?: number;
}

/** libyaml's error state, thrown where libyaml sets it and returns false. */
export class LibyamlError extends Error {
  constructor(
    readonly problem: string,
    readonly problemMark: Mark | undefined,
    readonly context = "",
    readonly contextMark?: Mark,
  ) {
    super(problem);
  }

  /** go-yaml's message without its "line N: " (the caller says where, in the whole file). */
  describe(): string {
    return this.problem || "unknown problem parsing YAML content";
  }
}
