// The CEL binding of the rules: which rules deny, which warn, and how config reaches the CEL.
// (That the CEL means what the rules mean is proven on a real API server: test/e2e/guard.e2e.ts
// and, for a living cluster, test/e2e/guard-life.e2e.ts.)
import { quote } from "../../../policy/admission/cel";
import { CEL_RULES, guardManifests } from "../../../policy/admission/validating-policy";
import { RESOURCE_POLICIES } from "../../../policy/rules";

type Policy = {
  metadata: { name: string };
  spec: {
    validations: { expression: string; message: string }[];
    variables: { name: string; expression: string }[];
    auditAnnotations?: { key: string; valueExpression: string }[];
  };
};
type Binding = {
  metadata: { name: string };
  spec: {
    policyName: string;
    validationActions: string[];
    matchResources: { namespaceSelector: Record<string, unknown> };
  };
};
const rulesOf = (p: Policy | undefined) =>
  p?.spec.validations.map((v) => v.message.split(":")[0]) ?? [];
const variable = (p: Policy | undefined, name: string) =>
  p?.spec.variables.find((v) => v.name === name)?.expression;

const GRANT = {
  namespace: "monitoring",
  kind: "DaemonSet" as const,
  name: "node-exporter",
  policies: ["no-host-ports"],
  reason: "metrics",
  owner: "team-obs",
  expires: "2027-03-01",
};

test("every resource policy of the pack has a CEL rule", () => {
  expect(Object.keys(CEL_RULES).sort()).toEqual(RESOURCE_POLICIES.map((p) => p.name).sort());
});

test("by default, mandatory rules deny, advisory ones warn and audit, system namespaces are left out", () => {
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
    [
      "zp-namespaces",
      ["a namespace left out of the exposure rules may be created only by an admin"],
    ],
  ]);
  const selector = {
    matchExpressions: [
      {
        key: "kubernetes.io/metadata.name",
        operator: "NotIn",
        values: ["kube-system", "kube-flannel", "calico-system", "tigera-operator"],
      },
    ],
  };
  expect(
    (bindings as Binding[]).map((b) => [
      b.metadata.name,
      b.spec.policyName,
      b.spec.validationActions,
      b.spec.matchResources.namespaceSelector,
    ]),
  ).toEqual([
    ["zp-deny", "zp-deny", ["Deny"], selector],
    ["zp-warn", "zp-warn", ["Warn", "Audit"], selector],
    ["zp-namespaces", "zp-namespaces", ["Deny"], undefined],
  ]);
});

test("system namespaces and the deny binding's actions are configurable", () => {
  const { bindings } = guardManifests(
    "zp",
    { "exposure-exemptions": { systemNamespaces: [] } },
    { denyActions: ["Warn", "Audit"] },
  );
  expect((bindings as Binding[]).slice(0, 2).map((b) => b.spec)).toEqual([
    {
      policyName: "zp-deny",
      validationActions: ["Warn", "Audit"],
      matchResources: { namespaceSelector: {} },
    },
    {
      policyName: "zp-warn",
      validationActions: ["Warn", "Audit"],
      matchResources: { namespaceSelector: {} },
    },
  ]);
});

test("levels, exempt namespaces and allow-lists come from the pack config", () => {
  const { policies } = guardManifests("zp", {
    "host-network-pods": "advisory",
    "no-nodeport-services": "disabled",
    "loadbalancer-source-ranges": "mandatory",
    "no-host-ports": {
      exemptNamespaces: ["ops"],
      allowedHostPorts: [8080],
      allowedHostPortRanges: [{ min: 30000, max: 30010 }],
    },
    "no-service-external-ips": { allowedExternalIPs: ["192.0.2.1"] },
  });
  const [deny, warn] = policies as Policy[];
  expect(rulesOf(deny)).not.toContain("no-nodeport-services");
  expect(rulesOf(deny)).toContain("loadbalancer-source-ranges");
  expect(rulesOf(warn)).toEqual(["host-network-pods", "exposure-exemptions"]);
  expect(variable(deny, "noHostPortsExempt")).toBe("request.namespace in ['ops']");
  expect(variable(deny, "noHostPortsViolates")).toContain(
    "!(p.hostPort in [8080] || (p.hostPort >= 30000 && p.hostPort <= 30010))",
  );
  expect(variable(deny, "noServiceExternalIpsViolates")).toContain("!(ip in ['192.0.2.1'])");
  expect(
    deny?.spec.validations.find((v) => v.message.startsWith("no-host-ports"))?.expression,
  ).toBe(
    "!variables.noHostPortsViolates || variables.noHostPortsPasses || variables.noHostPortsExempt",
  );
});

test("an UPDATE passes only when it keeps its exposure, also while the object is being deleted", () => {
  const deny = guardManifests("zp", {}).policies[0] as Policy;
  // No pass for deletionTimestamp: a tenant's own finalizer would hold the object open for any
  // change (issue 27); removing a finalizer changes nothing the rules read, so it keeps.
  expect(variable(deny, "hostNetworkPodsPasses")).toBe(
    "request.operation == 'UPDATE' && oldObject != null && variables.oldHostNetwork",
  );
  expect(variable(deny, "deleting")).toBeUndefined();
  expect(JSON.stringify(deny)).not.toContain("deletionTimestamp");
});

test("owner references count only from the controller that makes that kind for that owner", () => {
  const deny = guardManifests("zp", {}).policies[0] as Policy;
  expect(variable(deny, "controllerWriter")).toBe(
    "request.userInfo.username in ['system:kube-controller-manager'] ? '*' : " +
      "request.userInfo.username.startsWith('system:serviceaccount:kube-system:') ? " +
      "request.userInfo.username.substring(34) : ''",
  );
  // A distribution whose controller manager has another identity names it; [] trusts only the
  // per-controller service accounts.
  const named = (users: string[]) =>
    variable(
      guardManifests("zp", { "exposure-exemptions": { controllerManagerUsers: users } })
        .policies[0] as Policy,
      "controllerWriter",
    );
  expect(named(["k3s-controller"])).toMatch(
    /^request\.userInfo\.username in \['k3s-controller'\] \? '\*' : /,
  );
  expect(named([])).toBe(
    "request.userInfo.username.startsWith('system:serviceaccount:kube-system:') ? " +
      "request.userInfo.username.substring(34) : ''",
  );
  const owners = variable(deny, "owners") ?? "";
  expect(owners.startsWith("variables.controllerWriter != '' && ")).toBe(true);
  for (const edge of [
    "{'child': 'Pod', 'owner': 'DaemonSet', 'ownerApiVersion': 'apps/v1', 'serviceAccount': 'daemon-set-controller'}",
    "{'child': 'Pod', 'owner': 'ReplicaSet', 'ownerApiVersion': 'apps/v1', 'serviceAccount': 'replicaset-controller'}",
    "{'child': 'ReplicaSet', 'owner': 'Deployment', 'ownerApiVersion': 'apps/v1', 'serviceAccount': 'deployment-controller'}",
    "{'child': 'Job', 'owner': 'CronJob', 'ownerApiVersion': 'batch/v1', 'serviceAccount': 'cronjob-controller'}",
  ])
    expect(owners).toContain(edge);
  expect(owners).toContain(
    "(variables.controllerWriter == '*' || variables.controllerWriter == e.serviceAccount)",
  );
});

test("exempt namespace names can be created only by an admin or a listed creator", () => {
  const config = { "no-host-ports": { exemptNamespaces: ["edge"] } };
  const { policies, bindings } = guardManifests("zp", config);
  const ns = (policies as Policy[]).find((p) => p.metadata.name === "zp-namespaces");
  expect(ns?.spec.validations.map((v) => v.expression)).toEqual([
    "!(has(object.metadata.name) && object.metadata.name in " +
      "['kube-system', 'kube-flannel', 'calico-system', 'tigera-operator', 'edge']) || " +
      "(object.metadata.name == 'calico-system' && request.userInfo.username in ['system:serviceaccount:tigera-operator:tigera-operator']) || " +
      "authorizer.group('admissionregistration.k8s.io').resource('validatingadmissionpolicies')" +
      ".name('zp-namespaces').check('update').allowed()",
  ]);
  expect((ns as unknown as { spec: { matchConstraints: unknown } }).spec.matchConstraints).toEqual({
    resourceRules: [
      { apiGroups: [""], apiVersions: ["*"], resources: ["namespaces"], operations: ["CREATE"] },
    ],
  });
  // Its binding has no namespaceSelector: for a Namespace it would select the namespace itself.
  expect((bindings as Binding[]).find((b) => b.metadata.name === "zp-namespaces")?.spec).toEqual({
    policyName: "zp-namespaces",
    validationActions: ["Deny"],
    matchResources: {},
  });
  // A staged rollout stages it too; no exempt name at all, no policy.
  const staged = guardManifests("zp", {}, { denyActions: ["Warn", "Audit"] });
  expect(
    (staged.bindings as Binding[]).find((b) => b.metadata.name === "zp-namespaces")?.spec
      .validationActions,
  ).toEqual(["Warn", "Audit"]);
  const none = guardManifests("zp", {
    "exposure-exemptions": { systemNamespaces: [], namespaceCreators: {} },
  });
  expect((none.policies as Policy[]).map((p) => p.metadata.name)).toEqual(["zp-deny", "zp-warn"]);
  // An admin may list the creators (an operator that makes its own system namespace).
  const listed = guardManifests("zp", {
    "exposure-exemptions": {
      systemNamespaces: ["kube-system", "ops"],
      namespaceCreators: { ops: ["system:serviceaccount:ops-installer:installer"], other: ["x"] },
    },
  }).policies as Policy[];
  expect(listed.at(-1)?.spec.validations[0]?.expression).toBe(
    "!(has(object.metadata.name) && object.metadata.name in ['kube-system', 'ops']) || " +
      "(object.metadata.name == 'ops' && request.userInfo.username in ['system:serviceaccount:ops-installer:installer']) || " +
      "authorizer.group('admissionregistration.k8s.io').resource('validatingadmissionpolicies')" +
      ".name('zp-namespaces').check('update').allowed()",
  );
});

test("the exemption is read where the pods carry it, with visible text", () => {
  const deny = guardManifests("zp", {}).policies[0] as Policy;
  expect(variable(deny, "reason")).toContain(
    "variables.podTemplate.metadata.annotations['zeroport.io/exposure-exception']",
  );
  expect(variable(deny, "reasonVisible")).toBe(
    "variables.reason.matches('[\\\\p{L}\\\\p{N}\\\\p{P}\\\\p{S}]')",
  );
});

test("without grants, the annotation exempts nothing at admission", () => {
  const deny = guardManifests("zp", {}).policies[0] as Policy;
  expect(variable(deny, "noHostPortsExempt")).toBeUndefined();
  expect(variable(deny, "exemptionsUsed")).toBe("[]");
});

test("a grant compiles to its namespace, its workload and what its controllers make, until its day", () => {
  const { policies } = guardManifests("zp", { "exposure-exemptions": { grants: [GRANT] } });
  const [deny, warn] = policies as Policy[];
  expect(variable(deny, "noHostPortsExempt")).toBe(
    "(variables.reasonVisible && ((request.namespace == 'monitoring' && size(variables.times) > 0 && " +
      "!variables.times.exists(t, t >= timestamp('2027-03-01T00:00:00Z')) && " +
      "((object.kind == 'DaemonSet' && variables.name == 'node-exporter') || " +
      "variables.owners.exists(r, (r.kind == 'DaemonSet' && r.name == 'node-exporter'))))))",
  );
  // Only the rules it names.
  expect(variable(deny, "hostNetworkPodsExempt")).toBeUndefined();
  expect(deny?.spec.auditAnnotations?.[0]?.key).toBe("exemptions");
  expect(warn?.spec.validations.map((v) => v.message)).toContain(
    "exposure-exemptions: exempt from no-host-ports",
  );
});

test("a Deployment's grant reaches its pods through the ReplicaSet, a CronJob's through the Job", () => {
  const grants = [
    { ...GRANT, kind: "Deployment" as const, name: "gw.edge" },
    { ...GRANT, kind: "CronJob" as const, name: "probe" },
  ];
  const deny = guardManifests("zp", { "exposure-exemptions": { grants } }).policies[0] as Policy;
  const exempt = variable(deny, "noHostPortsExempt") ?? "";
  expect(exempt).toContain("r.name == 'gw.edge-' + object.metadata.labels['pod-template-hash']");
  expect(exempt).toContain("r.name.matches('^probe-[0-9]+$')");
});

test("CEL string literals escape quotes, backslashes and every non-printable character", () => {
  expect(quote("a'b\\c")).toBe("'a\\'b\\\\c'");
  expect(quote("x\ny\u200b\u{1F600}")).toBe("'x\\u000ay\\u200b\\U0001f600'");
});
