import { parseArgs as parseArgv } from "node:util";
import { issuesFromZod } from "../components/core/issues";
import { FactsSchema, chooseStrategy } from "../stacks/strategy";
import { UsageError } from "../reader/input";

const YES_NO: Record<string, boolean> = { yes: true, no: false, true: true, false: false };

function yesNo(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = YES_NO[value.toLowerCase()];
  if (v === undefined)
    throw new UsageError([`--${flag}: must be yes or no (got ${JSON.stringify(value)})`]);
  return v;
}

/** `zeroport choose`: the decision chart from flags; prints the component, why, and the blueprint. */
export function choose(args: string[], io: { out(t: string): void }): number {
  const { values } = parseArgv({
    args,
    options: {
      overlay: { type: "string" },
      dials: { type: "string" },
      placement: { type: "string" },
      dns: { type: "string" },
      router: { type: "string" },
      nginx: { type: "string" },
      "cross-cluster": { type: "string" },
      format: { type: "string" },
    },
  });
  const facts = {
    ...(values.overlay !== undefined ? { overlay: values.overlay } : {}),
    dialsZitiService: yesNo("dials", values.dials),
    placement: values.placement,
    usesDnsOrIp: yesNo("dns", values.dns),
    routerInstalled: yesNo("router", values.router),
    nginxInstalled: yesNo("nginx", values.nginx),
    crossCluster: yesNo("cross-cluster", values["cross-cluster"]),
  };
  const FLAG: Record<string, string> = {
    overlay: "--overlay",
    dialsZitiService: "--dials",
    placement: "--placement",
    usesDnsOrIp: "--dns",
    routerInstalled: "--router",
    nginxInstalled: "--nginx",
    crossCluster: "--cross-cluster",
  };
  const parsed = FactsSchema.safeParse(
    Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success) {
    throw new UsageError(
      issuesFromZod(parsed.error, FactsSchema).map((i) => `${FLAG[i.path] ?? i.path}: ${i.reason}`),
    );
  }
  const s = chooseStrategy(parsed.data);
  if (values.format === "json") {
    io.out(`${JSON.stringify(s, null, 2)}\n`);
  } else {
    io.out(
      [
        `Use ${s.component} (blueprint ${s.blueprint}).`,
        "Why:",
        ...s.reasons.map((r) => `  - ${r}`),
        `Start from: npx zeroport render ${s.blueprint}`,
        "",
      ].join("\n"),
    );
  }
  return 0;
}
