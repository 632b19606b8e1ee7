import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs as parseArgv } from "node:util";
import { PackConfigSchema, type PackConfig } from "../policy/config";
import { judgeObject } from "../policy/judge";
import type { KubeObject } from "../policy/model";
import { issuesFromZod } from "../components/core/issues";
import { UsageError, readMapping } from "../reader/input";
import { clusterObjects } from "./cluster-scan";
import { scanLimits } from "./scan-budget";
import { parseTimeout } from "../kube-client/kube-get";
import { DEFAULT_BOUNDS } from "../sources/tools";
import { judgeFiles, tallyObjects } from "./scan-files";
import { FAIL_ON, SCAN_FORMATS, fails, report, type ScanVerdict } from "./scan-report";

export { isBlocking, type ScanVerdict } from "./scan-report";
export { objectsIn } from "./scan-files";

/** A Kubernetes object read from a file: which file, its position among the file's objects, and its YAML document. */
export interface SourcedObject {
  obj: KubeObject;
  file: string;
  index: number;
  doc: number;
  /** The line its YAML document starts on. */
  line: number;
}

/** Validates a pack config (the `--policy-pack-config` format); problems name their paths. */
export function readPackConfig(file: string): PackConfig {
  const result = PackConfigSchema.safeParse(readMapping(file));
  if (!result.success) {
    throw new UsageError(
      issuesFromZod(result.error, PackConfigSchema).map(
        (i) => `${file}: ${i.path || "(root)"}: ${i.reason}`,
      ),
    );
  }
  return result.data;
}

/** Judges every object with every enabled policy. */
export function scanObjects(objects: readonly SourcedObject[], config: PackConfig): ScanVerdict[] {
  return objects.flatMap(({ obj, file, index, line }) =>
    judgeObject(obj, config).map((v) => ({
      policy: v.policy,
      level: v.level,
      kind: obj.kind,
      namespace: obj.metadata?.namespace ?? null,
      name: obj.metadata?.name ?? null,
      message: v.message,
      file,
      line,
      index,
    })),
  );
}

/**
 * `zeroport scan [--format text|json|sarif|junit] [--fail-on mandatory|advisory|none]
 * [--config FILE] [--values FILE]… [--set K=V]… [--require-render] [--render-timeout 2m]
 * FILE|DIR|- …`; returns the exit code (1 when a verdict at the --fail-on level
 * is found).
 */
export async function scan(
  args: string[],
  io: { out(t: string): void; err(t: string): void },
  stdin?: () => string,
): Promise<number> {
  const { values, positionals } = parseArgv({
    args,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      config: { type: "string" },
      "fail-on": { type: "string" },
      cluster: { type: "boolean" },
      context: { type: "string" },
      namespace: { type: "string" },
      kubeconfig: { type: "string" },
      "request-timeout": { type: "string" },
      "scan-timeout": { type: "string" },
      "max-objects": { type: "string" },
      "max-bytes": { type: "string" },
      values: { type: "string", multiple: true },
      set: { type: "string", multiple: true },
      "require-render": { type: "boolean" },
      "render-timeout": { type: "string" },
    },
  });
  const format = flagChoice("format", values.format, SCAN_FORMATS, "text");
  const failOn = flagChoice("fail-on", values["fail-on"], FAIL_ON, "mandatory");
  if (values.cluster && positionals.length > 0)
    throw new UsageError(["scan: --cluster reads the cluster; name no FILE, DIR or - with it"]);
  const clusterFlags = [
    "context",
    "namespace",
    "kubeconfig",
    "request-timeout",
    "scan-timeout",
    "max-objects",
    "max-bytes",
  ] as const;
  if (!values.cluster && clusterFlags.some((f) => values[f] !== undefined))
    throw new UsageError([
      `scan: ${clusterFlags.map((f) => `--${f}`).join(", ")} go with --cluster`,
    ]);
  const renderFlags = ["values", "set", "require-render", "render-timeout"] as const;
  if (values.cluster && renderFlags.some((f) => values[f] !== undefined))
    throw new UsageError([
      `scan: ${renderFlags.map((f) => `--${f}`).join(", ")} go with FILE or DIR`,
    ]);
  if (!values.cluster && positionals.length === 0)
    throw new UsageError(["scan: name at least one FILE, DIR or - (stdin), or --cluster"]);
  const config = values.config !== undefined ? readPackConfig(values.config) : {};
  const judge = (o: SourcedObject) => scanObjects([o], config);
  const tally = values.cluster
    ? tallyObjects(
        await clusterObjects({
          context: values.context,
          namespace: values.namespace,
          kubeconfig: values.kubeconfig,
          timeoutMs:
            values["request-timeout"] === undefined
              ? undefined
              : parseTimeout(values["request-timeout"]),
          limits: scanLimits({
            scanTimeout: values["scan-timeout"],
            maxObjects: values["max-objects"],
            maxBytes: values["max-bytes"],
          }),
        }),
        judge,
      )
    : judgeFiles(positionals, judge, stdin, {
        helm: { values: values.values ?? [], set: values.set ?? [] },
        bounds: {
          ...DEFAULT_BOUNDS,
          ...(values["render-timeout"] === undefined
            ? {}
            : { timeoutMs: parseTimeout(values["render-timeout"], "--render-timeout") }),
        },
        requireRender: values["require-render"] === true,
      });
  const { verdicts, judged, skipped, problems } = tally;
  for (const note of tally.notes ?? []) io.err(`zeroport: note: ${note}\n`);
  io.out(report(format, verdicts, judged, version(), { skipped: skipped.length, problems }));
  // Input that could not be read leaves the verdict incomplete: that is exit 2, whatever was found.
  for (const line of problems) io.err(`zeroport: ${line}\n`);
  if (problems.length > 0) return 2;
  return fails(verdicts, failOn) ? 1 : 0;
}

/** A flag's value from its fixed choices, `fallback` when unset. */
function flagChoice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  const chosen = value ?? fallback;
  if (!(choices as readonly string[]).includes(chosen))
    throw new UsageError([
      `--${flag}: must be ${choices.join(", ")} (got ${JSON.stringify(value)})`,
    ]);
  return chosen as T;
}

/** The package version, from source (cli/) or compiled (dist/cli/) alike. */
function version(): string {
  for (const up of [[".."], ["..", ".."]]) {
    try {
      const pkg = JSON.parse(
        fs.readFileSync(path.join(__dirname, ...up, "package.json"), "utf8"),
      ) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "zeroport" && pkg.version) return pkg.version;
    } catch {
      // Not here; try the next level up.
    }
  }
  return "unknown";
}
