import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as YAML from "yaml";
import { identityJson, jwt } from "../helpers/fixtures";
import { allSchemaProblems } from "../helpers/schema";
import type { Manifest } from "../../cli/render";
import { run, tempFile } from "./helpers";
import { BLUEPRINTS } from "../../stacks";
import { COMPONENTS } from "../../components/registry";
import { unsupportedZitiImage } from "../../components/ziti/versions";

const ROOT = path.join(__dirname, "..", "..");

describe("zeroport render <blueprint>", () => {
  test("prints the ziti-host example as valid multi-document YAML in install order", async () => {
    const r = await run("render", "ziti-host");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const docs = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
    expect(
      docs.map(
        (d) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace ?? "-"}/${d.metadata.name}`,
      ),
    ).toEqual([
      "v1 Namespace -/ziti",
      "v1 ServiceAccount ziti/ziti-host",
      "v1 Secret ziti/ziti-host-identity",
      "v1 PersistentVolumeClaim ziti/ziti-host-identity-state",
      "apps/v1 Deployment ziti/ziti-host",
    ]);
    expect(docs.find((d) => d.kind === "Secret")?.stringData).toEqual({
      "enrollment.jwt": "<redacted>",
    });
    expect(allSchemaProblems(docs)).toEqual([]);
  });

  test("is stable: the same output twice", async () => {
    const [a, b] = [await run("render", "ziti-host"), await run("render", "ziti-host")];
    expect(a.stdout).toBe(b.stdout);
  });

  test("prints a JSON array with --format json", async () => {
    const yaml = await run("render", "ziti-host");
    const json = await run("render", "ziti-host", "--format", "json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(
      YAML.parseAllDocuments(yaml.stdout).map((d) => d.toJS() as unknown),
    );
  });

  test("takes a config file and redacts the secrets in it", async () => {
    const doc = identityJson();
    const file = tempFile(
      "c.yaml",
      YAML.stringify({ name: "db-host", host: { namespace: "data", identity: { json: doc } } }),
    );
    const r = await run("render", "ziti-host", "--config", file);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("SECRETKEYMATERIAL");
    const names = YAML.parseAllDocuments(r.stdout).map((d) => (d.toJS() as Manifest).metadata.name);
    expect(names).toEqual(["db-host", "db-host-identity", "db-host-identity-state", "db-host"]);
  });

  test("reports every bad config field, one line each, and prints nothing on stdout", async () => {
    const file = tempFile(
      "c.json",
      JSON.stringify({ name: "Bad", host: { identity: { jwt: "x" }, replicas: 3 } }),
    );
    const r = await run("render", "ziti-host", "--config", file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "zeroport: blueprint ziti-host: name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      "zeroport: blueprint ziti-host: host.identity.jwt: must be a JWT: three non-empty base64url segments separated by '.'",
      expect.stringMatching(
        /^zeroport: blueprint ziti-host: host\.replicas: must be 0 or 1: one Ziti identity belongs in one pod\./,
      ),
    ]);
  });

  test.each([
    [
      ["render", "nope"],
      `zeroport: render: unknown blueprint "nope"; one of ${Object.keys(BLUEPRINTS).join(", ")}`,
    ],
    [["render"], "zeroport: render: name a blueprint or --component (see `zeroport blueprints`)"],
    [
      ["render", "ziti-host", "--format", "xml"],
      'zeroport: --format: must be yaml or json (got "xml")',
    ],
    [
      ["render", "ziti-host", "--config", "/no/such.yaml"],
      "zeroport: /no/such.yaml: cannot read (no such file)",
    ],
    [
      ["render", "--component", "Nope", "--args", "x"],
      `zeroport: --component: must be one of ${Object.keys(COMPONENTS).join(", ")} (got "Nope")`,
    ],
    [["render", "--component", "ZitiHost"], "zeroport: --args: required with --component"],
  ])("usage error %j", async (argv, line) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe(line);
  });

  test("names the file, line and column of a YAML syntax error", async () => {
    const file = tempFile("bad.yaml", "name: a\nhost: [unclosed\n");
    const r = await run("render", "ziti-host", "--config", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^zeroport: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:1: `),
    );
  });

  test("rejects a config file that is not one mapping", async () => {
    const file = tempFile("list.yaml", "- a\n- b\n");
    const r = await run("render", "ziti-host", "--config", file);
    expect(r.stderr).toBe(`zeroport: ${file}: must hold exactly one YAML or JSON mapping\n`);
  });
});

describe("zeroport render --component", () => {
  test("renders ZitiHost from an args file", async () => {
    const file = tempFile(
      "args.yaml",
      YAML.stringify({ namespace: "apps", identity: { jwt: jwt() } }),
    );
    const r = await run("render", "--component", "ZitiHost", "--args", file, "--name", "web");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(jwt());
    const docs = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "ServiceAccount/web",
      "Secret/web-identity",
      "PersistentVolumeClaim/web-identity-state",
      "Deployment/web",
    ]);
    expect(allSchemaProblems(docs)).toEqual([]);
  });

  test("names the component in its errors", async () => {
    const file = tempFile("args.json", JSON.stringify({ identity: {}, bogus: true }));
    const r = await run("render", "--component", "ZitiHost", "--args", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "zeroport: ZitiHost ziti-host: identity: set exactly one of `jwt`, `json` or `existingSecret`\n" +
        "zeroport: ZitiHost ziti-host: bogus: is not a known field; allowed here: namespace, identity, image, " +
        "imagePullPolicy, imagePullSecrets, replicas, persistence, logLevel, resources, labels, podAnnotations, " +
        "nodeSelector, serviceAccountName\n",
    );
  });
});

describe("zeroport blueprints and components", () => {
  test("lists every blueprint with a summary", async () => {
    const r = await run("blueprints");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").map((l) => l.split(/ {2,}/)[0])).toEqual([
      ...Object.keys(BLUEPRINTS),
      "",
    ]);
  });

  test("lists every component", async () => {
    expect((await run("components")).stdout).toMatch(/^ZitiHost {2}/);
  });

  test("an unknown command is a usage error", async () => {
    const r = await run("deploy");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe('zeroport: unknown command "deploy"');
  });
});

describe("the zeroport bin", () => {
  const bin = path.join(ROOT, "bin", "zeroport.js");

  test("renders the default blueprint as a separate process", () => {
    const r = spawnSync(process.execPath, [bin, "render", "ziti-host"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("kind: Deployment");
    expect(r.stderr).toBe("");
  });

  test("warns on stderr, and still renders, for an image older than upstream supports", () => {
    const image = "docker.io/openziti/ziti-host:1.12.0";
    const file = tempFile(
      "args.json",
      JSON.stringify({ identity: { json: identityJson() }, image }),
    );
    const r = spawnSync(
      process.execPath,
      [bin, "render", "--component", "ZitiHost", "--args", file],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`image: ${image}`);
    expect(r.stderr).toBe(`warning: [runtime] ${unsupportedZitiImage(image)}\n`);
  });

  test("exits 2 with field paths and no stack trace", () => {
    const file = tempFile("args.json", JSON.stringify({ identity: { json: "{" } }));
    const r = spawnSync(
      process.execPath,
      [bin, "render", "--component", "ZitiHost", "--args", file],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "zeroport: ZitiHost ziti-host: identity.json: must be an enrolled identity JSON document; it does not parse as JSON\n",
    );
  });

  test("reports an identity given as an Output when it resolves, without a stack trace", () => {
    const script = `
      const pulumi = require("@pulumi/pulumi");
      const { recordProgram } = require("./dist/cli/render");
      const { ZitiHost } = require("./dist/components/ziti/ziti-host");
      recordProgram(() => new ZitiHost("w", { identity: { json: pulumi.secret("{}") } })).then(
        () => console.log("rendered"),
        (e) => console.log(JSON.stringify(e.issues)),
      );`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(JSON.parse(r.stdout.split("\n")[0] ?? "")).toEqual([
      {
        path: "identity.json",
        reason: "must have `ztAPI` (or `ztAPIs`): the controller's https client API URL",
      },
      {
        path: "identity.json",
        reason:
          "must have `id.cert`, `id.key`, `id.ca` (the identity's certificate, key and CA bundle)",
      },
    ]);
  });
});

/** Args for every component, taken from the blueprint examples (a new component must add one). */
const COMPONENT_ARGS: Record<string, () => unknown> = {
  ZitiHost: () => (BLUEPRINTS["ziti-host"]?.example as { host: unknown }).host,
  TproxySidecar: () => (BLUEPRINTS["egress-tproxy"]?.example as { sidecar: unknown }).sidecar,
  LoopbackSidecar: () => (BLUEPRINTS["egress-loopback"]?.example as { sidecar: unknown }).sidecar,
  NodeProxyDaemonset: () => (BLUEPRINTS["node-proxy"]?.example as { proxy: unknown }).proxy,
  RouterTunneler: () => (BLUEPRINTS["ingress-router"]?.example as { router: unknown }).router,
  NginxZitiIngress: () => (BLUEPRINTS["ingress-nginx"]?.example as { nginx: unknown }).nginx,
  ZtmHub: () => (BLUEPRINTS["ztm-mesh"]?.example as { hub: unknown }).hub,
  ZtmAgent: () => (BLUEPRINTS["ztm-mesh"]?.example as { agent: unknown }).agent,
  ZtmMeshCa: () => ({ namespace: "ztm" }),
  ZtmProgramCa: () => ({ namespace: "ztm", permits: ["agent-a"], elsewhere: ["agent-b"] }),
  ZeroExposureGuard: () => ({ config: { "no-host-ports": { allowedHostPorts: [8080] } } }),
};

describe("zeroport render --component for every component", () => {
  test("every component has example args here", () => {
    expect(Object.keys(COMPONENT_ARGS).sort()).toEqual(Object.keys(COMPONENTS).sort());
  });

  test.each(Object.keys(COMPONENTS))("%s renders from an args file", async (component) => {
    const file = tempFile("args.json", JSON.stringify(COMPONENT_ARGS[component]?.()));
    const r = await run("render", "--component", component, "--args", file, "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Manifest[]).length).toBeGreaterThan(0);
  });
});

describe("what render prints is what the program creates", () => {
  test("cluster-scoped objects, the guard's bindings among them, carry no namespace", async () => {
    const file = tempFile("args.json", "{}");
    const r = await run(
      "render",
      "--component",
      "ZeroExposureGuard",
      "--args",
      file,
      "--format",
      "json",
    );
    const manifests = JSON.parse(r.stdout) as Manifest[];
    expect(manifests.map((m) => [m.kind, m.metadata.namespace])).toEqual([
      ["ValidatingAdmissionPolicy", undefined],
      ["ValidatingAdmissionPolicy", undefined],
      ["ValidatingAdmissionPolicy", undefined],
      ["ValidatingAdmissionPolicyBinding", undefined],
      ["ValidatingAdmissionPolicyBinding", undefined],
      ["ValidatingAdmissionPolicyBinding", undefined],
    ]);
  });

  test("a patch of coredns-custom is printed as a patch, with how to apply it", async () => {
    const proxy = (BLUEPRINTS["node-proxy"]?.example as { proxy: Record<string, unknown> }).proxy;
    const args = { ...proxy, clusterDns: { zitiDomains: ["ziti"], manage: "coredns-custom" } };
    const file = tempFile("args.json", JSON.stringify(args));
    const yaml = await run("render", "--component", "NodeProxyDaemonset", "--args", file);
    const note =
      "# zeroport: ConfigMap kube-system/coredns-custom is a patch of an existing object (the program uses ConfigMapPatch): apply it with `kubectl apply --server-side --field-manager=zeroport`, never `kubectl create` or `replace`, which would overwrite the object's other fields.\n";
    expect(yaml.stdout).toContain(`${note}apiVersion: v1\nkind: ConfigMap\n`);
    expect(yaml.stdout.split(note)).toHaveLength(2);
    const json = await run(
      "render",
      "--component",
      "NodeProxyDaemonset",
      "--args",
      file,
      "--format",
      "json",
    );
    expect(json.stderr).toBe(`zeroport: note: ${note.slice("# zeroport: ".length)}`);
  });
});
