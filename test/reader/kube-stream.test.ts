// zeroport's reading of manifest streams (reader/kube-stream.ts, reader/goyaml.ts), case by case; each
// expectation is what kubectl's own reading code gives for the same text (checked for every case,
// and for thousands of generated ones, by test/e2e/kubectl-reading.e2e.ts).
import { readObjects } from "../../reader/kube-objects";

const read = (text: string) => readObjects(text);

test("a merge key writes over the keys before it, and the keys after it win", () => {
  const base = "apiVersion: v1\nkind: Service\nmetadata: {name: a, labels: &l {type: NodePort}}\n";
  expect(read(`${base}spec:\n  type: ClusterIP\n  <<: *l\n`)).toEqual([
    expect.objectContaining({ spec: { type: "NodePort" } }),
  ]);
  expect(read(`${base}spec:\n  <<: *l\n  type: ClusterIP\n`)).toEqual([
    expect.objectContaining({ spec: { type: "ClusterIP" } }),
  ]);
  // In a sequence of merges, the earlier mapping wins.
  expect(read(`${base}x: &m {type: LoadBalancer}\nspec:\n  <<: [*m, *l]\n`)[0]).toMatchObject({
    spec: { type: "LoadBalancer" },
  });
});

test("anything with items is read as its items, kind-less items take the list's kind", () => {
  expect(
    read(
      "apiVersion: v1\nkind: ConfigMap\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n",
    ),
  ).toEqual([{ apiVersion: "v1", kind: "Service", metadata: { name: "s" } }]);
  expect(read("apiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: s}\n")).toEqual([
    { apiVersion: "v1", kind: "Service", metadata: { name: "s" } },
  ]);
  expect(read("kind: List\nitems: null\n")).toEqual([]);
  expect(() => read("kind: List\nitems:\n- {kind: List, items: []}\n")).toThrow(
    /list inside a list/,
  );
});

test("a byte-order mark, a `...` and text after it belong to their own document", () => {
  expect(read("kind: A\n---\n\ufeffkind: B\n...\nnot: [read\n")).toEqual([
    { kind: "A" },
    { kind: "B" },
  ]);
});

test("separators may carry a comment, nothing else", () => {
  expect(read("kind: A\n---#c\nkind: B\n--- # c\nkind: C\n")).toHaveLength(3);
  expect(() => read("kind: A\n--- kind: B\n")).toThrow(/invalid Yaml document separator: kind: B/);
});

test("a JSON stream is read value by value", () => {
  expect(read('{"kind":"A"}\n{"kind":"B"}\n')).toEqual([{ kind: "A" }, { kind: "B" }]);
});

test("YAML 1.1 scalars and tags resolve as go-yaml resolves them", () => {
  const [o] = read(
    "kind: C\nhostNetwork: yes\nport: 0x1f90\noctal: 017620\nunder: 8_080\ns: !!str 0x50\nlocal: !x 80\nbin: !!binary aGVsbG8=\nday: 2026-12-04\n",
  );
  expect(o).toEqual({
    kind: "C",
    hostNetwork: true,
    port: 8080,
    octal: 8080,
    under: 8080,
    s: "0x50",
    local: "80",
    bin: "hello",
    day: "2026-12-04",
  });
  expect(() => read("kind: C\nport: !!int eighty\n")).toThrow(
    /cannot decode !!str `eighty` as a !!int/,
  );
});

test("alias amplification is refused by go-yaml's ratio rule; plain reuse is not", () => {
  const laughs =
    "kind: C\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n" +
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
  expect(() => read(laughs)).toThrow(/excessive aliasing/);
  const reuse = `kind: C\nx: &p {port: 80}\nports: [${Array(5000).fill("*p").join(", ")}]\n`;
  expect((read(reuse)[0] as { ports: unknown[] }).ports).toHaveLength(5000);
});

test("nesting is read to kubectl's limit (10,000 levels), past the main thread's stack", () => {
  const nested = (n: number) => `kind: C\nnested: ${"[".repeat(n)}1${"]".repeat(n)}\n`;
  const [o] = read(nested(3000)) as { nested: unknown }[];
  let depth = 0;
  for (let v = o?.nested; Array.isArray(v); v = (v as unknown[])[0]) depth += 1;
  expect(depth).toBe(3000);
  expect(() => read(nested(10_000))).toThrow(/exceeded max depth of 10000/);
}, 60_000);

test("a separator line is trimmed as Go's strings.TrimSpace trims it, not as JavaScript's trim", () => {
  const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\n`;
  // NEL is space to Go: `---<NEL>` separates (JavaScript's trim keeps NEL).
  expect(
    read(`${svc("a")}---\u0085\n${svc("b")}`).map(
      (o) => (o as { metadata: { name: string } }).metadata.name,
    ),
  ).toEqual(["a", "b"]);
  // U+FEFF is not space to Go: `---<BOM>` is an invalid separator (JavaScript's trim drops it).
  expect(() => read(`${svc("a")}---\ufeff\n${svc("b")}`)).toThrow(
    "invalid Yaml document separator: \ufeff",
  );
});

test("JSON is tried only when the stream starts with `{`: a double-quoted first key is YAML", () => {
  expect(read('"kind": Service\napiVersion: v1\nmetadata: {name: web}\n')).toEqual([
    { kind: "Service", apiVersion: "v1", metadata: { name: "web" } },
  ]);
  // A BOM left after decoding is not space to the guess: YAML, which skips it.
  expect(
    read('\ufeff{"kind": "Service", "apiVersion": "v1", "metadata": {"name": "a"}}\n'),
  ).toEqual([{ kind: "Service", apiVersion: "v1", metadata: { name: "a" } }]);
});

describe("the switch from JSON to YAML (YAMLOrJSONDecoder.consumeWhitespace)", () => {
  test("JSON takes only its own whitespace; Go space up to a line feed is eaten before YAML", () => {
    expect(read('\u2029{"kind": "A", "x": 1}}')).toEqual([{ kind: "A", x: 1 }]);
    expect(read('{"kind": "A"}\u0085\u0085kind: B\n')).toEqual([{ kind: "A" }, { kind: "B" }]);
  });

  test("it reads four bytes at a time: within four bytes of the end, or at U+FFFD, JSON's error stands", () => {
    for (const rest of ["\u2029", "x\n", "    x", "\ufffd kind: B\n"])
      expect(() => read(`{"kind": "A"}${rest}`)).toThrow("invalid JSON, and no YAML after it");
    expect(() => read('{"kind": "A"} {"kind": "B"} x: 1\n')).toThrow(
      "invalid JSON in a JSON stream",
    );
  });
});
