// RouterTunneler's config against the OpenZiti router's own loader: its verdicts on every variant
// the schema allows, recorded from the real loader (test/fixtures/ziti-router-config), replayed
// here; the loader's rules as a model, held to every recorded verdict (also the refusals of the
// configs zeroport rendered before), then applied to generated args.
import * as fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  RouterTunnelerArgsSchema,
  renderRouterConfig,
  renderRouterPodSpec,
} from "../../../components/ziti/router-tunneler";
import { BLUEPRINTS } from "../../../stacks";
import { routerVariants } from "../../fixtures/ziti-router-config/variants";
import { jwt } from "../../helpers/fixtures";
import { routerLoaderVerdict } from "../../helpers/router-loader";

interface Recorded {
  upstream: string;
  cases: {
    name: string;
    rendering: string;
    config: string;
    verdict: "loaded" | "refused";
    error?: string;
    csrPath?: string;
  }[];
}
const recorded = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, "..", "..", "fixtures", "ziti-router-config", "recorded.json"),
    "utf8",
  ),
) as Recorded;
const routerJwt = jwt({ em: "erott" });
const render = (args: object) =>
  renderRouterConfig(
    RouterTunnelerArgsSchema.parse({ enrollment: { jwt: routerJwt }, ...args }),
    "r1",
  );

test("every variant renders as recorded, and the real loader loaded each one", () => {
  const current = recorded.cases.filter((c) => c.rendering === "current");
  expect(current.map((c) => c.name).sort()).toEqual(
    routerVariants()
      .map((v) => v.name)
      .sort(),
  );
  for (const { name, args } of routerVariants()) {
    const c = current.find((r) => r.name === name);
    // A change of rendering needs a new recording against the real loader (see the README there).
    expect([name, render(args)]).toEqual([name, c?.config]);
    expect([name, c?.verdict, c?.csrPath]).toEqual([name, "loaded", "csr"]);
  }
});

test("the real loader refused the private routers zeroport rendered before (issue 28)", () => {
  const before = recorded.cases.filter((c) => c.rendering === "6c04d24");
  const refused = before.filter((c) => c.verdict === "refused");
  expect(refused.map((c) => c.name).sort()).toEqual(
    routerVariants()
      .filter((v) => !v.args.edge)
      .map((v) => v.name)
      .sort(),
  );
  expect(new Set(refused.map((c) => c.error))).toEqual(
    new Set([
      "required binding [edge] not found in [listeners], at least one edge binding is required",
      "section [listeners] is required to be an array",
    ]),
  );
  expect(before.find((c) => c.name === "host-noedge-nolink-endpoint")?.error).toBe(
    "required binding [edge] not found in [listeners], at least one edge binding is required",
  );
});

test("the loader's rules, as modelled, give every recorded verdict", () => {
  expect(recorded.cases).toHaveLength(64);
  for (const c of recorded.cases)
    expect([c.rendering, c.name, routerLoaderVerdict(c.config)]).toEqual([
      c.rendering,
      c.name,
      { verdict: c.verdict, ...(c.error ? { error: c.error } : {}), csrPath: c.csrPath },
    ]);
});

test("the ingress-router blueprint's router enrolled, ran, hosted services and carried traffic", () => {
  const run = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, "..", "..", "fixtures", "ziti-router-config", "run.json"),
      "utf8",
    ),
  ) as {
    blueprint: string;
    controllerEndpoint: string;
    config: string;
    enroll: { exit: number; log: string[] };
    run: { online: boolean; listeningSockets: string[]; terminators: { service: string }[] };
    traffic: { reply: string };
    probes: { running: { exit: number }; stopped: { exit: number; stderr: string } };
  };
  const blueprint = BLUEPRINTS["ingress-router"]?.example as { router: object; name: string };
  const args = { ...blueprint.router, controller: { endpoint: run.controllerEndpoint } };
  // What ran is what the blueprint renders, but for the controller it was pointed at.
  expect(renderRouterConfig(RouterTunnelerArgsSchema.parse(args), blueprint.name)).toBe(run.config);
  expect(routerLoaderVerdict(run.config)).toEqual({ verdict: "loaded", csrPath: "csr" });
  expect([run.enroll.exit, run.enroll.log]).toEqual([
    0,
    ["loaded csr info from configuration file at path [csr]", "registration complete"],
  ]);
  expect(run.run.online).toBe(true);
  expect(run.run.listeningSockets).toEqual([]);
  expect(run.run.terminators.map((t) => t.service).sort()).toEqual(["both", "echo", "other"]);
  expect(run.traffic.reply).toBe("echo: zeroport");
  // The rendered probes asked the real router: alive while it ran, not once it stopped.
  type Probe = { exec?: { command?: unknown } };
  const spec = renderRouterPodSpec(RouterTunnelerArgsSchema.parse(args), {
    name: "ziti-router",
    enrollment: { name: "s", key: "jwt" },
    configMapName: "c",
    volumeClaimName: "v",
  } as never) as unknown as { containers: Record<string, Probe>[] };
  const probes = spec.containers[0];
  for (const probe of [probes?.startupProbe, probes?.readinessProbe, probes?.livenessProbe])
    expect(probe?.exec?.command).toEqual(["ziti", "agent", "stats"]);
  expect([run.probes.running.exit, run.probes.stopped.exit]).toEqual([0, 1]);
});

test("every config the schema allows loads, by the recorded rules", () => {
  const host = fc.constantFrom("router.example.com", "203.0.113.7", "ziti-router.ziti.svc");
  const listener = fc.record({
    advertisedHost: host,
    advertisedPort: fc.integer({ min: 1, max: 65535 }),
    containerPort: fc.integer({ min: 1024, max: 65535 }),
  });
  const tunnel = fc.oneof(
    fc.constant({ mode: "host" }),
    fc.constant({ mode: "none" }),
    fc.record({
      mode: fc.constant("tproxy"),
      dnsSvcIpRange: fc.constantFrom("100.64.0.1/10", "100.127.0.1/16"),
    }),
    fc.record({
      mode: fc.constant("proxy"),
      services: fc.uniqueArray(
        fc.record({
          name: fc.constantFrom("orders", "dns", "web api"),
          port: fc.integer({ min: 1024, max: 65535 }),
          protocol: fc.constantFrom("tcp", "udp"),
        }),
        { minLength: 1, maxLength: 3, selector: (s) => `${s.port}/${s.protocol}` },
      ),
    }),
  );
  fc.assert(
    fc.property(
      tunnel,
      fc.option(listener, { nil: undefined }),
      fc.option(listener, { nil: undefined }),
      fc.option(fc.constantFrom("ziti-controller-ctrl.ziti.svc:1280", "127.0.0.1:1280"), {
        nil: undefined,
      }),
      (t, edge, link, endpoint) => {
        const args = {
          tunnel: t,
          ...(edge ? { edge } : {}),
          ...(link ? { link } : {}),
          ...(endpoint ? { controller: { endpoint } } : {}),
        };
        const parsed = RouterTunnelerArgsSchema.safeParse({
          enrollment: { jwt: routerJwt },
          ...args,
        });
        if (!parsed.success) return; // the schema refused it: never rendered
        expect(routerLoaderVerdict(renderRouterConfig(parsed.data, "r1"))).toEqual({
          verdict: "loaded",
          csrPath: "csr",
        });
      },
    ),
    { numRuns: 500 },
  );
});
