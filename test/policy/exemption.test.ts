// The one exemption rule (policy/exemption.ts), as the pack and scan apply it.
import { exemptionOf, exemptionAnnotation, type JudgeContext } from "../../policy/exemption";
import type { Grant } from "../../policy/grants";
import { DEFAULT_SYSTEM_NAMESPACES } from "../../policy/grants";
import { deployment, podSpec, service } from "./fixtures";

const NOW = new Date("2026-12-04T12:00:00Z");
const EXCEPTION = "zeroport.io/exposure-exception";
const GRANT: Grant = {
  namespace: "shop",
  kind: "Deployment",
  name: "web",
  policies: ["host-network-pods"],
  reason: "the shop's node agent",
  owner: "team-shop",
  expires: "2027-01-01",
};
const ctx = (grants?: Grant[], systemNamespaces = DEFAULT_SYSTEM_NAMESPACES): JudgeContext => ({
  settings: {
    systemNamespaces,
    namespaceCreators: {},
    controllerManagerUsers: [],
    ...(grants ? { grants } : {}),
  },
  now: NOW,
});
const hostNet = podSpec({ hostNetwork: true });
const onTemplate = (reason: string) => {
  const d = deployment(hostNet);
  (d.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.annotations = {
    [EXCEPTION]: reason,
  };
  return d;
};

test("a system namespace is never judged, and says why", () => {
  const svc = service({ type: "NodePort" }, { namespace: "kube-system" });
  expect(exemptionOf("no-nodeport-services", svc, {}, ctx())).toEqual({
    exempt:
      "namespace kube-system is a system namespace (exposure-exemptions.systemNamespaces): the guard does not judge it",
  });
  expect(exemptionOf("no-nodeport-services", svc, {}, ctx(undefined, []))).toEqual({ hint: "" });
});

test("a workload's exemption is read on its pod template", () => {
  expect(exemptionAnnotation(onTemplate("agent"))).toEqual({
    reason: "agent",
    path: "spec.template.metadata.annotations",
    onWorkloadOnly: false,
  });
  const onWorkload = deployment(hostNet, { annotations: { [EXCEPTION]: "agent" } });
  expect(exemptionAnnotation(onWorkload).onWorkloadOnly).toBe(true);
  expect(exemptionOf("host-network-pods", onWorkload, {}, ctx([GRANT]))).toEqual({
    hint: ` (The ${EXCEPTION} annotation is on the Deployment itself, not at spec.template.metadata.annotations: its pods will not carry it, so admission will not exempt them.)`,
  });
});

test("with grants listed, the annotation counts only with an unexpired grant for that rule", () => {
  const d = onTemplate("agent");
  expect(exemptionOf("host-network-pods", d, {}, ctx([GRANT]))).toEqual({
    exempt: `${EXCEPTION}: agent; granted by team-shop until 2027-01-01 (shop/Deployment/web: the shop's node agent)`,
  });
  expect(exemptionOf("no-host-ports", d, {}, ctx([GRANT]))).toEqual({
    hint: ` (It is annotated, but no grant covers it: ask a cluster admin to add one to exposure-exemptions.grants (namespace, kind, name, policies, reason, owner, expires) for no-host-ports.)`,
  });
  expect(
    exemptionOf("host-network-pods", d, {}, ctx([{ ...GRANT, expires: "2026-12-04" }])),
  ).toEqual({
    hint: " (Its grant shop/Deployment/web, owned by team-shop, expired on 2026-12-04: renew it in exposure-exemptions.grants.)",
  });
});

test("without grants in the config, the annotation exempts and says the cluster's grants were not checked", () => {
  expect(exemptionOf("host-network-pods", onTemplate("agent"), {}, ctx()).exempt).toMatch(
    /; this config lists no grants, so the cluster's cannot be checked here: admission needs an admin's grant/,
  );
});

test("a reason without visible text exempts nothing", () => {
  for (const reason of ["", " ", "\u200b", "\ufeff\u0085"])
    expect(
      exemptionOf("host-network-pods", onTemplate(reason), {}, ctx([GRANT])).exempt,
    ).toBeUndefined();
});
