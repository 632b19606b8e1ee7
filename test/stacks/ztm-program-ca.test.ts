// The ZTM blueprints with the program CA (their default) and without it.
import { BLUEPRINTS, runBlueprint } from "../../stacks";
import type { Manifest } from "../../cli/render";
import { podSpecOf, render } from "../helpers/mocks";

const example = (name: string) => BLUEPRINTS[name]?.example as Record<string, unknown>;
const blueprint = (name: string) => {
  const b = BLUEPRINTS[name];
  if (!b) throw new Error(`no blueprint ${name}`);
  return b;
};
type Pod = {
  initContainers?: { name: string }[];
  volumes: { name: string; secret?: { secretName: string } }[];
};
const annotations = (m: Manifest) =>
  (m.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata
    .annotations ?? {};

describe("ztm-mesh with its default programCa", () => {
  test("the hub imports the program's CA, the agent joins with the program's permit and rolls on its renewal", async () => {
    const r = await render(() => runBlueprint(blueprint("ztm-mesh"), example("ztm-mesh")));
    const material = r.resources.filter((x) => x.type === "pulumi-nodejs:dynamic:Resource");
    expect(material.map((m) => [m.name, m.inputs.permits])).toEqual([
      ["ztm-mesh-material", ["agent"]],
    ]);
    expect(r.all("Secret").map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      "ztm/ztm-mesh-agent",
      "ztm/ztm-mesh-ca",
    ]);
    const hub = podSpecOf(r.one("Deployment", "ztm-hub")) as Pod;
    expect(hub.initContainers?.map((c) => c.name)).toContain("import-ca");
    expect(hub.volumes.map((v) => v.secret?.secretName)).toContain("ztm-mesh-ca");
    const agent = r.one("Deployment", "ztm-agent");
    expect((podSpecOf(agent) as Pod).volumes.map((v) => v.secret?.secretName)).toContain(
      "ztm-mesh-agent",
    );
    expect(annotations(agent)["zeroport.io/permit-revision"]).toBe("<generated at deploy>");
  });

  test("programCa: false leaves the hub to make its own CA and the agent's permit as given", async () => {
    const r = await render(() =>
      runBlueprint(blueprint("ztm-mesh"), { ...example("ztm-mesh"), programCa: false }),
    );
    expect(r.resources.filter((x) => x.type === "pulumi-nodejs:dynamic:Resource")).toEqual([]);
    expect(r.all("Secret")).toEqual([]);
    const hub = podSpecOf(r.one("Deployment", "ztm-hub")) as Pod;
    expect(hub.initContainers ?? []).toEqual([]);
    expect(
      annotations(r.one("Deployment", "ztm-agent"))["zeroport.io/permit-revision"],
    ).toBeUndefined();
  });
});

describe("ztm-cross-cluster with its default programCa", () => {
  test("agent A's permit beside the CA in cluster A, agent B's only in B's namespace; both roll on renewal", async () => {
    const r = await render(() =>
      runBlueprint(blueprint("ztm-cross-cluster"), example("ztm-cross-cluster")),
    );
    const material = r.resources.find((x) => x.type === "pulumi-nodejs:dynamic:Resource");
    expect(material?.inputs.permits).toEqual(["agent-a", "agent-b"]);
    const secrets = r.resources
      .filter((x) => x.type === "kubernetes:core/v1:Secret")
      .map(
        (x) =>
          `${x.name} ${String(x.inputs.metadata && (x.inputs.metadata as { name: string }).name)}`,
      );
    expect(secrets.sort()).toEqual([
      "ztm-mesh-agent-a ztm-mesh-agent-a",
      "ztm-mesh-agent-b-cluster-b ztm-mesh-agent-b",
      "ztm-mesh-ca ztm-mesh-ca",
    ]);
    for (const name of ["ztm-agent-a", "ztm-agent-b"])
      expect(annotations(r.one("Deployment", name))["zeroport.io/permit-revision"]).toBe(
        "<generated at deploy>",
      );
  });
});
