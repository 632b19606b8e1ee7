// The reading differential with generators that share nothing with zeroport's reader or the
// generator of kubectl-reading.e2e.ts: byte-level mutations of real manifests (every blueprint as
// `zeroport render` prints it, and every reading seed), lines spliced between them, and lines of
// YAML indicators at random indentation, each judged by kubectl's own reading code. A difference
// fails the run with the file minimised to the bytes that make it differ; keep it as a seed in
// test/fixtures/kubectl-reading.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BLUEPRINTS } from "../../stacks";
import { indicatorSoup, minimise, mutateBytes, randomSource, spliceLines } from "./mutation";
import {
  describeDifference,
  kubectlReadings,
  verdict,
  writeFiles,
  zeroportReading,
} from "./kubectl-judge";

const ROOT = path.join(__dirname, "..", "..");
const SEEDS = path.join(ROOT, "test", "fixtures", "kubectl-reading");
const RUNS = Number(process.env.ZEROPORT_MUTATION_RUNS ?? 6000);
const SEED = Number(process.env.ZEROPORT_MUTATION_SEED ?? 20261208);

function bases(): Buffer[] {
  const rendered = Object.keys(BLUEPRINTS).map((b) =>
    execFileSync(process.execPath, [path.join(ROOT, "bin", "zeroport.js"), "render", b]),
  );
  const seeds = fs
    .readdirSync(SEEDS)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !/nested|alias-amplified/.test(f))
    .map((f) => fs.readFileSync(path.join(SEEDS, f)));
  return [...rendered, ...seeds];
}

/** The first candidate that still differs, asking kubectl about all of them at once. */
function firstDiffering(candidates: Buffer[]): number {
  const { dir, files } = writeFiles("zeroport-minimise-", candidates);
  const k = kubectlReadings(files);
  fs.rmSync(dir, { recursive: true, force: true });
  return files.findIndex(
    (f, i) =>
      verdict(
        k[f] ?? { objects: [], errors: ["missing"] },
        zeroportReading(candidates[i] ?? Buffer.alloc(0)),
      ) === "differ",
  );
}

test("the minimiser cuts a file down to the bytes that make it differ", () => {
  const file = Buffer.from("apiVersion: v1\nkind: Service\nspec:\n  type: NodePort # x\u2028y\n");
  const small = minimise(file, (cs) =>
    cs.findIndex((c) => c.includes("\u2028") && c.includes("#")),
  );
  expect(small.toString()).toBe("#\u2028");
});

test("zeroport reads every mutant as kubectl does", () => {
  const rand = randomSource(SEED);
  const from = bases();
  const pick = () => from[rand(from.length)] ?? Buffer.alloc(0);
  const mutants = Array.from({ length: RUNS }, (_, i) =>
    i % 10 < 8
      ? mutateBytes(pick(), rand)
      : i % 10 === 8
        ? spliceLines(pick(), pick(), rand)
        : indicatorSoup(rand),
  );
  const { dir, files } = writeFiles("zeroport-mutants-", mutants);
  const kubectl = kubectlReadings(files);
  const tally = { read: 0, refused: 0 };
  const differing: number[] = [];
  files.forEach((f, i) => {
    const v = verdict(
      kubectl[f] ?? { objects: [], errors: ["missing"] },
      zeroportReading(mutants[i] ?? Buffer.alloc(0)),
    );
    if (v === "differ") differing.push(i);
    else tally[v] += 1;
  });
  process.stdout.write(
    `mutations: ${RUNS} files from ${from.length} bases (seed ${SEED}): ${tally.read} read alike, ${tally.refused} refused by both, ${differing.length} differences\n`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  const minimised = differing.slice(0, 3).map((i) => {
    const small = minimise(mutants[i] ?? Buffer.alloc(0), firstDiffering);
    const { files: kept } = writeFiles("zeroport-difference-", [small]);
    const k = kubectlReadings(kept)[kept[0] ?? ""] ?? { objects: [] };
    return `mutant ${i}, minimised to ${JSON.stringify(small.toString("latin1"))} (bytes as latin1; kept at ${kept[0]}): ${describeDifference(k, zeroportReading(small))}`;
  });
  expect(minimised).toEqual([]);
}, 600_000);
