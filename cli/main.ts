import { parseArgs as parseArgv } from "node:util";
import { isInputError } from "../components/core/issues";
import { componentNameIssues } from "../components/core/name";
import { UsageError, readMapping } from "../reader/input";
import { scan } from "./scan";

/** Where the CLI writes: injectable so tests run it in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export const EXIT = { ok: 0, violations: 1, usage: 2, internal: 3 } as const;

const USAGE = `usage:
  zeroport render <blueprint> [--config FILE] [--format yaml|json]
  zeroport render --component <Name> --args FILE [--name NAME] [--format yaml|json]
  zeroport scan [--format text|json|sarif|junit] [--fail-on mandatory|advisory|none] [--config FILE]
                [--values FILE]... [--set K=V]... [--require-render] [--render-timeout 2m] FILE|DIR|- ...
  zeroport scan --cluster [--kubeconfig FILE] [--context NAME] [--namespace NS] [--request-timeout 30s]
                [--scan-timeout 10m] [--max-objects 200000] [--max-bytes 256Mi]
                [--format ...] [--fail-on ...] [--config FILE]
  zeroport choose [--overlay openziti|ztm] [--dials yes|no] [--placement pod|node] [--dns yes|no]
                  [--router yes|no] [--nginx yes|no] [--cross-cluster yes|no] [--format text|json]
  zeroport stack-config <blueprint>
  zeroport blueprints
  zeroport components
`;

function formatOption(value: string | undefined): "yaml" | "json" {
  if (value === undefined || value === "yaml" || value === "json") return value ?? "yaml";
  throw new UsageError([`--format: must be yaml or json (got ${JSON.stringify(value)})`]);
}

async function render(args: string[], io: Io): Promise<number> {
  // Loaded here, not at the top: the Pulumi SDKs take a while to load and `scan` needs neither.
  const [
    { COMPONENTS },
    { BLUEPRINTS, blueprintNamed, runBlueprint },
    { recordProgram, toManifests },
    { formatManifests, patchNote },
    { isPatch },
  ] = await Promise.all([
    import("../components/registry"),
    import("../stacks"),
    import("./render"),
    import("./print"),
    import("./patches"),
  ]);
  const { values, positionals } = parseArgv({
    args,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      component: { type: "string" },
      args: { type: "string" },
      name: { type: "string" },
      format: { type: "string" },
    },
  });
  const format = formatOption(values.format);
  let program: () => void;
  if (values.component !== undefined) {
    const entry = Object.hasOwn(COMPONENTS, values.component)
      ? COMPONENTS[values.component]
      : undefined;
    if (!entry) {
      throw new UsageError([
        `--component: must be one of ${Object.keys(COMPONENTS).join(", ")} (got ${JSON.stringify(values.component)})`,
      ]);
    }
    if (positionals.length > 0 || values.config !== undefined) {
      throw new UsageError(["render --component takes --args FILE, not a blueprint or --config"]);
    }
    if (values.args === undefined) throw new UsageError(["--args: required with --component"]);
    const componentArgs = readMapping(values.args);
    const name = values.name ?? kebab(values.component);
    const nameProblems = componentNameIssues(name, false);
    if (nameProblems.length > 0)
      throw new UsageError(nameProblems.map((i) => `--name: ${i.reason}`));
    program = () => entry.create(name, componentArgs);
  } else {
    const [blueprintName, ...extra] = positionals;
    if (blueprintName === undefined)
      throw new UsageError(["render: name a blueprint or --component (see `zeroport blueprints`)"]);
    if (extra.length > 0)
      throw new UsageError([`render: unexpected argument ${JSON.stringify(extra[0])}`]);
    const blueprint = blueprintNamed(blueprintName);
    if (!blueprint) {
      throw new UsageError([
        `render: unknown blueprint ${JSON.stringify(blueprintName)}; one of ${Object.keys(BLUEPRINTS).join(", ")}`,
      ]);
    }
    if (values.args !== undefined || values.name !== undefined)
      throw new UsageError(["--args and --name go with --component"]);
    const config = values.config !== undefined ? readMapping(values.config) : blueprint.example;
    program = () => runBlueprint(blueprint, config);
  }
  const manifests = toManifests(await recordProgram(program));
  io.out(formatManifests(manifests, format));
  if (format === "json")
    for (const m of manifests.filter(isPatch)) io.err(`zeroport: note: ${patchNote(m)}\n`);
  return EXIT.ok;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

function listing(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows.map(([n, d]) => `${n.padEnd(width)}  ${d}\n`).join("");
}

/** Runs the CLI and returns its exit code; never throws for user errors. */
export async function main(
  argv: string[],
  io: Io = processIo,
  stdin?: () => string,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "render":
        return await render(rest, io);
      case "scan":
        return await scan(rest, io, stdin);
      case "choose":
        return (await import("./choose")).choose(rest, io);
      case "stack-config": {
        const [{ BLUEPRINTS, blueprintNamed }, { stackConfig }] = await Promise.all([
          import("../stacks"),
          import("./print"),
        ]);
        const blueprint = blueprintNamed(rest[0]);
        if (!blueprint)
          throw new UsageError([
            `stack-config: name a blueprint: ${Object.keys(BLUEPRINTS).join(", ")}`,
          ]);
        io.out(stackConfig(blueprint.name, blueprint.example));
        return EXIT.ok;
      }
      case "blueprints": {
        const { BLUEPRINTS } = await import("../stacks");
        io.out(listing(Object.values(BLUEPRINTS).map((b) => [b.name, b.summary])));
        return EXIT.ok;
      }
      case "components": {
        const { COMPONENTS } = await import("../components/registry");
        io.out(listing(Object.entries(COMPONENTS).map(([n, c]) => [n, c.description])));
        return EXIT.ok;
      }
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return EXIT.ok;
      default:
        throw new UsageError([
          command === undefined ? "missing command" : `unknown command ${JSON.stringify(command)}`,
          ...USAGE.trimEnd().split("\n"),
        ]);
    }
  } catch (e) {
    if (isInputError(e)) {
      for (const issue of e.issues)
        io.err(`zeroport: ${e.subject}: ${issue.path || "(root)"}: ${issue.reason}\n`);
      return EXIT.usage;
    }
    // A sidecar that cannot work in the workload the config names is the config's problem.
    if (e instanceof Error && e.name === "SidecarRefusal") {
      io.err(`zeroport: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      for (const line of e.lines) io.err(`zeroport: ${line}\n`);
      return EXIT.usage;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`zeroport: ${e.message}\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`zeroport: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.ZEROPORT_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT.internal;
  }
}
