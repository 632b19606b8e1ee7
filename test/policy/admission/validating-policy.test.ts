// The CEL binding of the rules: which rules deny, which warn, and how config reaches the CEL.
// (That the CEL means what the rules mean is proven on a real API server: test/e2e/guard.e2e.ts.)
import { CEL_RULES, guardManifests } from "../../../policy/admission/validating-policy";
import { RESOURCE_POLICIES } from "../../../policy/rules";

type Policy = {
  metadata: { name: string };
  spec: { validations: { expression: string; message: string }[] };
};
type Binding = {
  metadata: { name: string };
  spec: { policyName: string; validationActions: string[] };
};
const rulesOf = (p: Policy | undefined) =>
  p?.spec.validations.map((v) => v.message.split(":")[0]) ?? [];

test("every resource policy of the pack has a CEL rule", () => {
  expect(Object.keys(CEL_RULES).sort()).toEqual(RESOURCE_POLICIES.map((p) => p.name).sort());
});

test("by default, mandatory rules deny and advisory ones warn and audit", () => {
  const { policies, bindings } = guardManifests("zp", {});
  expect((policies as Policy[]).map((p) => [p.metadata.name, rulesOf(p)])).toEqual([
    [
      "zp-deny",
      [
        "no-nodeport-services",
        "no-loadbalancer-node-ports",
        "no-service-external-ips",
        "no-host-ports",
        "no-host-network-listeners",
        "host-network-pods",
      ],
    ],
    ["zp-warn", ["loadbalancer-source-ranges"]],
  ]);
  expect(
    (bindings as Binding[]).map((b) => [
      b.metadata.name,
      b.spec.policyName,
      b.spec.validationActions,
    ]),
  ).toEqual([
    ["zp-deny", "zp-deny", ["Deny"]],
    ["zp-warn", "zp-warn", ["Warn", "Audit"]],
  ]);
});

test("levels, exempt namespaces and allow-lists come from the pack config", () => {
  const { policies } = guardManifests("zp", {
    "host-network-pods": "advisory",
    "no-nodeport-services": "disabled",
    "loadbalancer-source-ranges": "mandatory",
    "no-host-ports": {
      exemptNamespaces: ["kube-system"],
      allowedHostPorts: [8080],
      allowedHostPortRanges: [{ min: 30000, max: 30010 }],
    },
    "no-service-external-ips": { allowedExternalIPs: ["192.0.2.1"] },
  });
  const [deny, warn] = policies as Policy[];
  expect(rulesOf(deny)).not.toContain("no-nodeport-services");
  expect(rulesOf(deny)).toContain("loadbalancer-source-ranges");
  expect(rulesOf(warn)).toEqual(["host-network-pods"]);
  const hostPorts = deny?.spec.validations.find((v) =>
    v.message.startsWith("no-host-ports"),
  )?.expression;
  expect(hostPorts).toContain("variables.exempt || request.namespace in ['kube-system'] || !(");
  expect(hostPorts).toContain(
    "!(p.hostPort in [8080] || (p.hostPort >= 30000 && p.hostPort <= 30010))",
  );
  expect(
    deny?.spec.validations.find((v) => v.message.startsWith("no-service-external-ips"))?.expression,
  ).toContain("!(ip in ['192.0.2.1'])");
});

test("the exemption is the pack's annotation with a non-blank reason", () => {
  const policy = guardManifests("zp", {}).policies[0] as {
    spec: { variables: { name: string; expression: string }[] };
  };
  expect(policy.spec.variables.find((v) => v.name === "exempt")?.expression).toBe(
    "has(object.metadata.annotations) && 'zeroport.io/exposure-exception' in object.metadata.annotations && object.metadata.annotations['zeroport.io/exposure-exception'].trim() != ''",
  );
});
