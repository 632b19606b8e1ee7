import * as pulumi from "@pulumi/pulumi";
import { ZeroportInputError } from "../../components/core/validation";
import { BLUEPRINTS, runBlueprint, runFromStackConfig } from "../../stacks";
import { render } from "../helpers/mocks";
import { allSchemaProblems } from "../helpers/schema";
import { judgeObject } from "../../policy/judge";
import type { KubeObject } from "../../policy/model";

/** Advisory findings a blueprint has by design, with the reason. */
const EXPECTED_ADVISORIES: Record<string, string[]> = {
  // The node proxy needs the node's network to create its tun device; it declares no ports.
  "node-proxy": ["DaemonSet/ziti-node-proxy advisory host-network-pods"],
  // The hub is the one legitimate exposure: a hardened LoadBalancer agents outside dial.
  "ztm-mesh": ["Service/ztm-hub advisory zero-exposure"],
  "ztm-cross-cluster": ["Service/ztm-hub advisory zero-exposure"],
};

describe.each(Object.values(BLUEPRINTS))("blueprint $name", (blueprint) => {
  test("its example config renders schema-valid objects", async () => {
    const r = await render(() => runBlueprint(blueprint, blueprint.example));
    expect(r.manifests.length).toBeGreaterThan(0);
    expect(allSchemaProblems(r.manifests)).toEqual([]);
  });

  test("its example passes the policy pack with no mandatory violation, and no advisory but by design", async () => {
    const r = await render(() => runBlueprint(blueprint, blueprint.example));
    const verdicts = r.manifests.flatMap((m) =>
      judgeObject(m as unknown as KubeObject, {}).map(
        (v) => `${m.kind}/${m.metadata.name} ${v.level} ${v.policy}`,
      ),
    );
    expect(verdicts).toEqual(EXPECTED_ADVISORIES[blueprint.name] ?? []);
  });

  test("its example is valid against its schema", () => {
    expect(blueprint.schema.safeParse(blueprint.example).success).toBe(true);
  });
});

describe("the pulumi up entry point", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  test("runs the blueprint and config named in stack config", async () => {
    const example = BLUEPRINTS["ziti-host"]?.example;
    pulumi.runtime.setAllConfig(
      { "zeroport:blueprint": "ziti-host", "zeroport:config": JSON.stringify(example) },
      ["zeroport:config"],
    );
    const r = await render(() => runFromStackConfig());
    expect(r.one("Deployment").metadata).toMatchObject({ name: "ziti-host", namespace: "ziti" });
  });

  test("says which key is missing or wrong", async () => {
    pulumi.runtime.setAllConfig({ "zeroport:blueprint": "nope" });
    await expect(render(() => runFromStackConfig())).rejects.toThrow(
      "zeroport:blueprint: must be one of ziti-host",
    );
    pulumi.runtime.setAllConfig({});
    const error = await render(() => runFromStackConfig()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZeroportInputError);
    expect((error as ZeroportInputError).issues[0]?.path).toBe("zeroport:config");
  });
});
