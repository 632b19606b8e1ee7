// Strings that reach a manifest, nginx.conf or a label are checked as Kubernetes and nginx read
// them: a component name is a label value, a Service name needs a letter first, and nothing can
// smuggle a newline, ';' or '{' into a config file.
import { componentNameIssues } from "../../../components/core/validation";
import { NginxZitiIngressArgsSchema } from "../../../components/ziti/nginx-ziti-ingress";
import { NodeProxyDaemonsetArgsSchema } from "../../../components/ziti/node-proxy-daemonset";
import { ZitiHost } from "../../../components/ziti/ziti-host";
import type { ZeroportInputError } from "../../../components/core/validation";
import { BLUEPRINTS } from "../../../stacks";
import { identityJson } from "../../helpers/fixtures";
import { render } from "../../helpers/mocks";

const paths = (r: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error?.issues.map((i) => i.path.join(".")) ?? [];

describe("component names", () => {
  test.each([
    ["web", false, []],
    ["a".repeat(63), false, []],
    ["a".repeat(64), false, ["must be at most 63 characters (it is 64): it is a label value"]],
    [
      "Web_1",
      false,
      [
        "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      ],
    ],
    ["1hub", true, ["must start with a letter: it also names a Service (DNS-1035)"]],
    ["1hub", false, []],
  ])("%s (Service name: %s)", (name, service, reasons) => {
    expect(componentNameIssues(name, service).map((i) => i.reason)).toEqual(reasons);
  });

  test("a component refuses a bad name in the same error as its args, before creating anything", async () => {
    const error = (await render(
      () =>
        new ZitiHost("Bad_Name", {
          namespace: "ziti",
          identity: { json: identityJson() },
          replicas: 5,
        }),
    ).catch((e: unknown) => e)) as ZeroportInputError;
    expect(error.issues.map((i) => i.path)).toEqual(["(name)", "replicas"]);
  });

  test("blueprints leave room for the suffixes they add", () => {
    const schema = BLUEPRINTS["ztm-cross-cluster"].schema;
    const example = BLUEPRINTS["ztm-cross-cluster"].example as object;
    expect(paths(schema.safeParse({ ...example, name: "z".repeat(55) }))).toEqual([]);
    expect(paths(schema.safeParse({ ...example, name: "z".repeat(56) }))).toEqual(["name"]);
    expect(paths(schema.safeParse({ ...example, name: "9ztm" }))).toEqual(["name"]);
  });
});

describe("no injection into config files and selectors", () => {
  test.each([
    "/usr/lib/nginx/modules/x.so;\nload_module /tmp/evil.so",
    "/m.so } http { server { listen 80; } }",
    "/m.so\u0000",
    "relative/m.so",
  ])("modulePath %j is refused", (modulePath) => {
    const r = NginxZitiIngressArgsSchema.safeParse({
      identity: { json: identityJson() },
      image: "registry.example.com/nginx-ziti:1.23.3-1",
      binds: [{ service: "web", upstream: "web.shop.svc:80" }],
      modulePath,
    });
    expect(paths(r)).toEqual(["modulePath"]);
  });

  test("nodeSelector keys and values are label keys and values", () => {
    const r = NodeProxyDaemonsetArgsSchema.safeParse({
      identity: { json: identityJson() },
      nodeSelector: { "kubernetes.io/os": "linux", "bad key": "x", zone: "a b" },
    });
    expect(paths(r).sort()).toEqual(["nodeSelector.bad key", "nodeSelector.zone"]);
  });
});
