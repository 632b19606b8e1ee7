import * as fs from "node:fs";
import * as path from "node:path";
import { FactsSchema, chooseStrategy, type Facts } from "../../stacks/strategy";
import { BLUEPRINTS } from "../../stacks";
import { stackConfig } from "../../cli/print";
import { run } from "../cli/helpers";

const choose = (facts: Facts) => chooseStrategy(FactsSchema.parse(facts));

describe("the decision chart", () => {
  test.each<[Facts, string, string]>([
    [{ dialsZitiService: true, placement: "node" }, "node-proxy", "NodeProxyDaemonset"],
    [
      { dialsZitiService: true, placement: "pod", usesDnsOrIp: true },
      "egress-tproxy",
      "TproxySidecar",
    ],
    [
      { dialsZitiService: true, placement: "pod", usesDnsOrIp: false },
      "egress-loopback",
      "LoopbackSidecar",
    ],
    [{ dialsZitiService: false, routerInstalled: true }, "ingress-router", "RouterTunneler"],
    [
      { dialsZitiService: false, routerInstalled: false, nginxInstalled: true },
      "ingress-nginx",
      "NginxZitiIngress",
    ],
    [
      { dialsZitiService: false, routerInstalled: false, nginxInstalled: false },
      "ziti-host",
      "ZitiHost",
    ],
    [{ overlay: "ztm" }, "ztm-mesh", "ZtmHub + ZtmAgent"],
    [{ overlay: "ztm", crossCluster: true }, "ztm-cross-cluster", "ZtmHub + ZtmAgent"],
  ])("%j chooses %s", (facts, id, component) => {
    const s = choose(facts);
    expect([s.id, s.component, s.blueprint]).toEqual([id, component, id]);
    expect(BLUEPRINTS[s.blueprint]).toBeDefined();
  });

  test("says why, step by step", () => {
    expect(
      choose({ dialsZitiService: false, routerInstalled: false, nginxInstalled: false }).reasons,
    ).toEqual([
      "the workload does not dial Ziti: offer it as an OpenZiti service (cluster ingress through the overlay)",
      "no OpenZiti router is installed",
      "nginx is not installed",
      "the ziti-host reverse proxy pod hosts the services for cluster addresses",
    ]);
  });

  test.each<[Facts, string[]]>([
    [{}, ["dialsZitiService: is required for OpenZiti: does the workload dial a Ziti service?"]],
    [
      { dialsZitiService: true },
      ["placement: is required when the workload dials a Ziti service: pod or node"],
    ],
    [
      { dialsZitiService: true, placement: "pod" },
      ["usesDnsOrIp: is required for a pod sidecar: does the workload use DNS names or IPs?"],
    ],
    [
      { dialsZitiService: false },
      [
        "routerInstalled: is required when the workload does not dial Ziti: is an OpenZiti router installed?",
      ],
    ],
    [
      { dialsZitiService: false, routerInstalled: false },
      ["nginxInstalled: is required when no router is installed: is nginx installed?"],
    ],
  ])("asks for the missing fact %j", (facts, messages) => {
    const r = FactsSchema.safeParse(facts);
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(messages);
  });
});

describe("zeroport choose", () => {
  test("prints the component, why and the blueprint", async () => {
    const r = await run("choose", "--dials", "yes", "--placement", "pod", "--dns", "yes");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Use TproxySidecar (blueprint egress-tproxy).");
    expect(r.stdout).toContain("Start from: npx zeroport render egress-tproxy\n");
    expect(
      JSON.parse((await run("choose", "--overlay", "ztm", "--format", "json")).stdout),
    ).toMatchObject({ id: "ztm-mesh" });
  });

  test("names the missing flag", async () => {
    const r = await run("choose", "--dials", "no", "--router", "maybe");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('zeroport: --router: must be yes or no (got "maybe")\n');
    expect((await run("choose", "--dials", "no")).stderr).toBe(
      "zeroport: --router: is required when the workload does not dial Ziti: is an OpenZiti router installed?\n",
    );
  });
});

describe("example stack configs", () => {
  test.each(Object.values(BLUEPRINTS).map((b) => [b.name, b] as const))(
    "stacks/examples/Pulumi.%s.yaml is current",
    (name, b) => {
      const file = fs.readFileSync(
        path.join(__dirname, "..", "..", "stacks", "examples", `Pulumi.${name}.yaml`),
        "utf8",
      );
      expect(file.slice(file.indexOf("config:"))).toBe(stackConfig(name, b.example));
    },
  );

  test("zeroport stack-config prints one", async () => {
    const r = await run("stack-config", "node-proxy");
    expect(r.stdout).toBe(stackConfig("node-proxy", BLUEPRINTS["node-proxy"]?.example));
  });
});

describe("the zero-trust-cluster blueprint", () => {
  test("needs the section its facts choose", async () => {
    const { runBlueprint } = await import("../../stacks");
    const { render } = await import("../helpers/mocks");
    const bp = BLUEPRINTS["zero-trust-cluster"];
    if (!bp) throw new Error("missing");
    await expect(
      render(() => runBlueprint(bp, { facts: { dialsZitiService: true, placement: "node" } })),
    ).rejects.toThrow(
      "strategies.node-proxy: is required: the facts choose node-proxy; give that blueprint's config here",
    );
  });
});
