// Differential test of `zeroport scan`'s reading against kubectl's own (k8s.io/cli-runtime v0.36.1,
// built by build-tools.sh as kubectl-reader): thousands of generated manifest files (merge keys in
// every order and position, anchors and aliases across fields, tags, YAML 1.1 scalars, BOMs,
// separators and document ends, List and `items` wrappers, JSON streams, deep nesting), and every
// seed in test/fixtures/kubectl-reading; the objects each side reads must be equal, field by field,
// and a file one side refuses must be refused by the other.
import * as fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeAsKubectl } from "../../reader/input";
import {
  describeDifference,
  kubectlReadings,
  shown,
  verdict,
  writeFiles,
  zeroportReading,
} from "./kubectl-judge";

const SEEDS = path.join(__dirname, "..", "fixtures", "kubectl-reading");
const RUNS = Number(process.env.ZEROPORT_READING_RUNS ?? 3000);
const SEED = Number(process.env.ZEROPORT_READING_SEED ?? 20261204);

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

/** A scalar as YAML may spell it: plain, quoted, tagged, or in a YAML 1.1 form. */
const spelled = (value: string | number | boolean) =>
  typeof value === "number"
    ? pick(
        `${value}`,
        `"${value}"`,
        `!!int "${value}"`,
        `0x${value.toString(16)}`,
        `0o${value.toString(8)}`,
        `0${value.toString(8)}`,
        `+${value}`,
        `${String(value).replace(/(\d)(\d)$/, "$1_$2")}`,
        `!!str ${value}`,
        `!x ${value}`,
      )
    : typeof value === "boolean"
      ? pick(
          String(value),
          value ? "yes" : "no",
          value ? "On" : "OFF",
          value ? "y" : "n",
          `"${value}"`,
          `!!bool ${value ? "True" : "false"}`,
        )
      : pick(value, `'${value}'`, `"${value}"`, `!!str ${value}`, `!t ${value}`);

const serviceType = pick("ClusterIP", "NodePort", "LoadBalancer");

/** A Service whose spec may take its type through a merge key placed before or after it. */
const service = fc
  .record({
    name: pick("web", "api", "db"),
    type: serviceType,
    merged: fc.option(serviceType, { nil: undefined }),
    mergeFirst: fc.boolean(),
    viaSequence: fc.boolean(),
    port: fc.integer({ min: 1, max: 65535 }),
    portText: fc.integer({ min: 0, max: 9 }),
    flow: fc.boolean(),
  })
  .chain((s) =>
    fc.tuple(fc.constant(s), spelled(s.type), spelled(s.port)).map(([s, typeText, portText]) => {
      const labels = s.merged
        ? `  labels: &m {type: ${s.merged}}\n  annotations: &n {x: "1"}\n`
        : "";
      const merge = s.merged ? (s.viaSequence ? "  <<: [*n, *m]\n" : "  <<: *m\n") : "";
      const typeLine = `  type: ${typeText}\n`;
      const ports = s.flow
        ? `  ports: [{port: ${portText}}]\n`
        : `  ports:\n  - port: ${portText}\n`;
      return (
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${s.name}\n${labels}spec:\n` +
        (s.mergeFirst ? merge + typeLine : typeLine + merge) +
        ports
      );
    }),
  );

/** A Pod on the node's network, perhaps with a host port, its flags in YAML 1.1 spellings. */
const pod = fc
  .tuple(spelled(true), spelled(8080), pick("hostNetwork", "hostIPC"))
  .map(
    ([flag, hostPort, field]) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  ${field}: ${flag}\n  containers:\n  - name: a\n    image: a:1\n    ports:\n    - containerPort: 80\n      hostPort: ${hostPort}\n`,
  );

const indent = (text: string, by: string) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : by + l))
    .join("\n");

/** A document, possibly wrapped: a List, a typed list with kind-less items, any kind with items. */
const wrapped = fc
  .tuple(
    fc.oneof(service, pod),
    fc.oneof(
      {
        weight: 12,
        arbitrary: pick(
          "none",
          "List",
          "ServiceList",
          "ConfigMap",
          "configmap",
          "kindless",
          "nullItems",
        ),
      },
      { weight: 1, arbitrary: pick("nested") },
    ),
  )
  .map(([doc, wrap]) => {
    if (wrap === "none") return doc;
    if (wrap === "nullItems") return `apiVersion: v1\nkind: List\nitems: null\n`;
    const item = wrap === "kindless" ? doc.replace(/^apiVersion: v1\nkind: \w+\n/, "") : doc;
    const kind = wrap === "kindless" ? "ServiceList" : wrap;
    const list = `apiVersion: v1\nkind: ${kind}\nmetadata: {name: wrap}\nitems:\n- ${indent(item, "  ").trimStart()}`;
    return wrap === "nested"
      ? `apiVersion: v1\nkind: List\nitems:\n- ${indent(list.replace("nested", "List"), "  ").trimStart()}`
      : list;
  });

/**
 * A ConfigMap with a deeply nested value, below the main thread's ~900 levels; the seeds hold
 * 9,999 and 10,000 levels (kubectl's limit), read on zeroport's larger-stack worker.
 */
const deep = fc
  .integer({ min: 50, max: 800 })
  .map(
    (n) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nnested: ${"[".repeat(n)}1${"]".repeat(n)}\n`,
  );

/** The same document as JSON (via a plain reading of it), for JSON streams. */
const asJson = (doc: string) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "j" },
    data: { doc: doc.slice(0, 20) },
  });

const separator = pick("---\n", "--- # next\n", "---#c\n", "---   \n");
const ending = pick("", "...\n", "...\ngarbage: [\n", "# trailing comment\n");

/** A whole file: documents, separators, BOMs before some, endings after some; or a JSON stream. */
const file = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof({ weight: 6, arbitrary: wrapped }, { weight: 1, arbitrary: deep }),
          separator,
          ending,
          fc.boolean(),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((docs) =>
        docs
          .map(
            ([doc, sep, end, bom], i) =>
              `${i > 0 ? sep : ""}${bom && i > 0 ? "\ufeff" : ""}${doc}${end}`,
          )
          .join(""),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(wrapped, { minLength: 1, maxLength: 3 })
      .map((docs) => docs.map(asJson).join("\n")),
  },
);

/** The text's bytes in UTF-16 with a BOM. */
function utf16(text: string, order: "le" | "be"): Buffer {
  const le = Buffer.from(text, "utf16le");
  const bytes = order === "le" ? le : Buffer.from(le.map((_, i) => le[i ^ 1] ?? 0));
  return Buffer.concat([Buffer.from(order === "le" ? [0xff, 0xfe] : [0xfe, 0xff]), bytes]);
}

test("zeroport reads every file as kubectl does", () => {
  const generated = fc.sample(file, { numRuns: RUNS, seed: SEED });
  const seeds = fs.existsSync(SEEDS)
    ? fs
        .readdirSync(SEEDS)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .map((f) => fs.readFileSync(path.join(SEEDS, f)))
    : [];
  // Some generated files saved as UTF-16 with a BOM, little- and big-endian, as editors on
  // Windows save them; kubectl decodes them (cli-runtime's BOMOverride).
  const encoded = generated.map((text, i) =>
    i % 7 === 3 ? utf16(text, "le") : i % 7 === 5 ? utf16(text, "be") : Buffer.from(text),
  );
  const contents = [...seeds, ...encoded];
  const texts = contents.map((bytes) => decodeAsKubectl(bytes));
  const { dir, files } = writeFiles("zeroport-reading-", contents);
  const kubectl = kubectlReadings(files);
  const differences: string[] = [];
  let objects = 0;
  let refused = 0;
  files.forEach((f, i) => {
    const k = kubectl[f] ?? { objects: [], errors: ["missing"] };
    const z = zeroportReading(contents[i] ?? Buffer.alloc(0));
    const v = verdict(k, z);
    if (v === "refused") refused += 1;
    else if (v === "read") objects += k.objects.length;
    else differences.push(`${path.basename(f)}: ${describeDifference(k, z)}\n${shown(texts[i])}`);
  });
  process.stdout.write(
    `reading: ${files.length} files (${seeds.length} seeds, seed ${SEED}), ${objects} objects read alike, ${refused} refused by both, ${differences.length} differences\n`,
  );
  if (differences.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  expect(differences.slice(0, 5)).toEqual([]);
}, 300_000);
