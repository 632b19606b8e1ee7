// The fast path against the full reader: over generated chunks in and near the subset, whatever
// the fast path returns the full reader returns too, and whatever the full reader refuses the fast
// path leaves to it. The full reader is itself compared with kubectl (e2e/kubectl-reading).
import * as fs from "node:fs";
import * as path from "node:path";
import * as fc from "fast-check";
import { decodeChunk } from "../../reader/goyaml";
import {
  fastDecode,
  fastSubset,
  NOT_FAST,
  surelyExcessiveAliasing,
} from "../../reader/goyaml-fast";
import { readStream } from "../../reader/kube-stream";

const KEYS = [
  "name",
  "kind",
  "a.b/c",
  "x_1",
  "on",
  "y",
  "Null",
  "true",
  "no",
  "__proto__",
  "ports",
  "8080",
];
const VALUES = [
  "plain words",
  "0x1F",
  "017",
  "0o17",
  "1_000",
  "1e3",
  ".5",
  "-.inf",
  ".nan",
  "~",
  "null",
  "yes",
  "Off",
  "2024-01-02",
  "2024-01-02T10:00:00Z",
  "12:30",
  "1:20:30",
  "+12",
  "-7",
  "0b101",
  "9223372036854775807",
  "18446744073709551616",
  '"quoted: # text"',
  "'it''s'",
  '"esc\\n"',
  "{}",
  "[]",
  "{a: 1}",
  "[1, 2]",
  "&a x",
  "*a",
  "&a",
  "&a *a",
  "a # comment",
  "a#b",
  "http://x:80/y",
  "-x",
  "-",
  "",
  ": x",
  "a: b",
  "#c",
  "x:",
  "a:b",
  "!!int 3",
  "!tag x",
  "|",
  ">-",
  "? x",
  "%x",
  "@x",
  "`x",
  "a\tb",
  "é ünï",
  "x\u0085y",
  "- item",
];

const SAFE = [
  "web",
  "app:1.0",
  "8080",
  "true",
  "no",
  "~",
  "0x10",
  "1.5",
  "2024-01-02",
  "'x y'",
  '"z"',
  "{}",
  "[]",
];
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("name", "kind", "a.b/c", "x_1", "ports") },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS) },
);
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SAFE) },
  { weight: 1, arbitrary: fc.constantFrom(...VALUES) },
);

/** Random lines near the subset: any indentation, any key and value. */
const line = fc.record({
  indent: fc.integer({ min: 0, max: 6 }),
  dashes: fc.integer({ min: 0, max: 2 }),
  key: fc.option(key, { nil: undefined }),
  value,
});
const lines = fc.array(line, { minLength: 1, maxLength: 12 }).map((ls) =>
  ls
    .map(({ indent, dashes, key: k, value: v }) => {
      const body = k === undefined ? v : `${k}:${v === "" ? "" : ` ${v}`}`;
      return `${" ".repeat(indent)}${"- ".repeat(dashes)}${body}`;
    })
    .join("\n"),
);

/** Well-formed block trees of mappings and sequences, indented as people and tools write them. */
type Tree = string | { map: [string, Tree][] } | { seq: Tree[] };
const { tree } = fc.letrec<{ tree: Tree }>((t) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    value,
    fc.record({ map: fc.array(fc.tuple(key, t("tree")), { minLength: 1, maxLength: 3 }) }),
    fc.record({ seq: fc.array(t("tree"), { minLength: 1, maxLength: 3 }) }),
  ),
}));

function render(node: Tree, indent: number, seqIndent: number): string[] {
  const pad = " ".repeat(indent);
  if (typeof node === "string") return [`${pad}${node}`];
  if ("map" in node)
    return node.map.flatMap(([k, v]) => {
      if (typeof v === "string") return [`${pad}${k}: ${v}`];
      const inner = "seq" in v ? indent + seqIndent : indent + 2;
      return [`${pad}${k}:`, ...render(v, inner, seqIndent)];
    });
  return node.seq.flatMap((item) => {
    if (typeof item === "string") return [`${pad}- ${item}`];
    const [first = "", ...rest] = render(item, indent + 2, seqIndent);
    return [`${pad}- ${first.trimStart()}`, ...rest];
  });
}

const trees = fc
  .tuple(
    fc.record({ map: fc.array(fc.tuple(key, tree), { minLength: 1, maxLength: 4 }) }),
    fc.constantFrom(0, 2),
  )
  .map(([root, seqIndent]) => render(root, 0, seqIndent).join("\n"));

const chunk = fc.oneof(lines, trees);

function full(text: string): { value: unknown } | { error: string } {
  try {
    return { value: decodeChunk(text) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test("the fast path agrees with the full reader, or leaves the chunk to it", () => {
  let fast = 0;
  let total = 0;
  fc.assert(
    fc.property(chunk, (text) => {
      total += 1;
      const value = fastDecode(text);
      if (value === NOT_FAST) return;
      fast += 1;
      expect(full(text)).toEqual({ value });
    }),
    { numRuns: Number(process.env.ZEROPORT_FAST_RUNS ?? 4000) },
  );
  // Not vacuous: a good share of the generated chunks takes the fast path.
  expect(fast / total).toBeGreaterThan(0.1);
});

test("typical manifests take the fast path; the subset's edges do not", () => {
  const manifest = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web # the app",
    "  labels: &l",
    "    app: web",
    "spec:",
    "  selector:",
    "    matchLabels: *l",
    "  template:",
    "    spec:",
    "      containers:",
    "      - name: web",
    '        image: "registry:5000/web:1.0"',
    "        args: ['--port=8080', -v]",
  ].join("\n");
  expect(fastSubset(manifest)).toBeUndefined(); // a flow sequence with items: the full reader
  const block = manifest.replace(
    "args: ['--port=8080', -v]",
    "ports:\n        - containerPort: 8080",
  );
  expect(fastSubset(block)).toEqual({ aliases: true });
  expect(fastDecode(block)).toEqual(decodeChunk(block));
  for (const edge of [
    "a: |\n  x",
    "a: !!str 1",
    "<<: {a: 1}",
    "a: b\n...\nc: d",
    "a:\tb",
    "a: x\r\n",
  ])
    expect(fastSubset(edge)).toBeUndefined();
});

test("an alias that expands past go-yaml's ratio threshold goes to the full reader", () => {
  const wide = `a: &a [${Array.from({ length: 50 }, (_, i) => i).join(", ")}]\n`;
  const anchors = ["base: &b", ...Array.from({ length: 40 }, (_, i) => `  k${i}: v`)];
  const uses = Array.from({ length: 40 }, (_, i) => `u${i}: *b`);
  const text = [...anchors, ...uses].join("\n");
  expect(fastSubset(text)).toEqual({ aliases: true });
  expect(fastDecode(text)).toBe(NOT_FAST);
  expect(fastSubset(wide)).toBeUndefined();
  // A self-reference is never read as a cycle.
  expect(fastDecode("a: &x\n  b: *x\n")).toBe(NOT_FAST);
});

describe("excessive aliasing decided before the full reader", () => {
  const doc = (anchorSize: number, aliases: number, plain: number, flow: boolean) => {
    const anchor = `x: &p {${Array.from({ length: anchorSize }, (_, i) => `k${i}: v`).join(", ")}}`;
    const refs = flow
      ? [`refs: [${Array.from({ length: aliases }, () => "*p").join(", ")}]`]
      : ["refs:", ...Array.from({ length: aliases }, () => "- *p")];
    const filler = ["other:", ...Array.from({ length: plain }, (_, i) => `  f${i}: value`)];
    return [anchor, ...refs, ...filler].join("\n");
  };

  test("whenever it refuses, go-yaml's rule (the full reader) refuses too", () => {
    let refused = 0;
    fc.assert(
      fc.property(
        // An aliased value must be ~100 nodes before the ratio (0.99 up to 400,000 nodes) can break.
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.boolean(),
        (size, aliases, plain, flow) => {
          const text = doc(size, aliases, plain, flow);
          if (!surelyExcessiveAliasing(text)) return;
          refused += 1;
          expect(full(text)).toEqual({ error: "document contains excessive aliasing" });
        },
      ),
      { numRuns: 1000 },
    );
    // About 5% of the drawn documents are refused (20 seeds measured: 35-66 of 1,000; 5-26 of 300).
    expect(refused).toBeGreaterThan(10);
  });

  test("the 300,000-alias seed is refused in well under a second", () => {
    const seed = fs.readFileSync(
      path.join(__dirname, "..", "fixtures", "kubectl-reading", "alias-amplified-port-list.yaml"),
      "utf8",
    );
    const start = Date.now();
    expect(() => readStream(seed)).toThrow("document contains excessive aliasing");
    expect(Date.now() - start).toBeLessThan(1000);
  });

  test("a cycle or duplicate keys are left to the full reader", () => {
    expect(surelyExcessiveAliasing("a: &x\n  b: *x\n")).toBe(false);
    expect(surelyExcessiveAliasing(`${doc(4, 600, 0, true)}\nrefs: 1\n`)).toBe(false);
  });
});
