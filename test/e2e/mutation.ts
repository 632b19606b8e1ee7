/**
 * Generators for the reading differential that share nothing with zeroport's reader: byte-level
 * mutation of real manifests, line splicing between them, and lines of YAML indicators at random
 * indentation; and a minimiser that cuts a differing file down to the bytes that make it differ.
 */

/** Byte sequences a mutation inserts or writes over: every libyaml line break, BOMs, YAML's
 * indicators, quotes, tabs, and bytes that are not UTF-8 or are control characters. */
export const MUTATION_BYTES: readonly Buffer[] = [
  "\n",
  "\r",
  "\r\n",
  "\u0085",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\t",
  " ",
  '"',
  "'",
  "{",
  "}",
  "[",
  "]",
  ",",
  "#",
  "%",
  "!",
  "&",
  "*",
  ":",
  "-",
  "?",
  "|",
  ">",
  "\\",
  "<<",
  "---",
  "...",
]
  .map((s) => Buffer.from(s))
  .concat(
    [[0xff, 0xfe], [0xfe, 0xff], [0xc2], [0x80], [0xff], [0x00], [0x01], [0x7f]].map((b) =>
      Buffer.from(b),
    ),
  );

/** A small deterministic generator (an LCG), so a run is reproduced from its seed. */
export function randomSource(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % n;
}

/** One to three edits: insert, overwrite or delete bytes at random offsets. */
export function mutateBytes(base: Buffer, rand: (n: number) => number): Buffer {
  let b = base;
  for (let k = 0, n = 1 + rand(3); k < n; k++) {
    const at = rand(b.length + 1);
    const piece = MUTATION_BYTES[rand(MUTATION_BYTES.length)] ?? Buffer.alloc(0);
    const op = rand(3);
    if (op === 0) b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
    else if (op === 1) b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at + piece.length)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rand(4))]);
  }
  return b;
}

/** The head of one file's lines and the tail of another's, joined at random line breaks. */
export function spliceLines(a: Buffer, b: Buffer, rand: (n: number) => number): Buffer {
  const la = a.toString("latin1").split("\n");
  const lb = b.toString("latin1").split("\n");
  const head = la.slice(0, 1 + rand(la.length));
  const tail = lb.slice(rand(lb.length));
  return Buffer.from([...head, ...tail].join("\n"), "latin1");
}

const FRAGMENTS = [
  "type: NodePort",
  "type: ClusterIP",
  "kind: Service",
  "hostNetwork: true",
  "- ",
  "? ",
  ": ",
  "key: ",
  '"q": ',
  "'s': ",
  "&a ",
  "*a",
  "!!str ",
  "!t ",
  "!!merge ",
  "<<: ",
  "{",
  "}",
  "[",
  "]",
  ", ",
  "|",
  ">-",
  "# c",
  "...",
  "---",
  "%YAML 1.1",
  "x",
  "80",
  "\t",
  "\u2028",
  "\u0085",
  "\r",
];

/** A Service head followed by lines of indicators and scalars at random indentation. */
export function indicatorSoup(rand: (n: number) => number): Buffer {
  const lines = ["apiVersion: v1", "kind: Service", "metadata: {name: soup}", "spec:"];
  for (let i = 0, n = 1 + rand(8); i < n; i++) {
    let line = " ".repeat(rand(5));
    for (let j = 0, m = 1 + rand(4); j < m; j++) line += FRAGMENTS[rand(FRAGMENTS.length)] ?? "";
    lines.push(line);
  }
  return Buffer.from(lines.join("\n") + "\n");
}

/**
 * Delta debugging (complements only): the smallest file found that still differs. `differing`
 * takes candidates and returns the index of one that differs, or -1; it is asked once a round.
 */
export function minimise(
  bytes: Buffer,
  differing: (candidates: Buffer[]) => number,
  maxRounds = 400,
): Buffer {
  let current = bytes;
  let parts = 2;
  for (let round = 0; round < maxRounds && current.length >= 2; round++) {
    const size = Math.ceil(current.length / parts);
    const candidates: Buffer[] = [];
    for (let at = 0; at < current.length; at += size)
      candidates.push(Buffer.concat([current.subarray(0, at), current.subarray(at + size)]));
    const hit = differing(candidates);
    const found = candidates[hit];
    if (found) {
      current = found;
      parts = Math.max(parts - 1, 2);
    } else if (parts >= current.length) break;
    else parts = Math.min(parts * 2, current.length);
  }
  return current;
}
