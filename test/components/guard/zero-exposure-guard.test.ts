import { ZeroExposureGuard } from "../../../components/guard/zero-exposure-guard";
import type { ZeroportInputError } from "../../../components/core/validation";
import { render } from "../../helpers/mocks";

test("creates a policy and a binding per action and one for exempt namespace names, nothing else", async () => {
  const r = await render(() => new ZeroExposureGuard("guard"));
  expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
    "ValidatingAdmissionPolicy/zeroport-zero-exposure-deny",
    "ValidatingAdmissionPolicy/zeroport-zero-exposure-namespaces",
    "ValidatingAdmissionPolicy/zeroport-zero-exposure-warn",
    "ValidatingAdmissionPolicyBinding/zeroport-zero-exposure-deny",
    "ValidatingAdmissionPolicyBinding/zeroport-zero-exposure-namespaces",
    "ValidatingAdmissionPolicyBinding/zeroport-zero-exposure-warn",
  ]);
});

test("refuses a config the pack would refuse, naming the path", async () => {
  const error = (await render(
    () => new ZeroExposureGuard("guard", { config: { "no-host-ports": "sometimes" } }),
  ).catch((e: unknown) => e)) as ZeroportInputError;
  expect(error.issues.map((i) => i.path)).toEqual(["config.no-host-ports"]);
});

test("refuses config strings that would break the guard's CEL, naming each field", async () => {
  const error = (await render(
    () =>
      new ZeroExposureGuard("guard", {
        config: {
          "no-host-ports": { exemptNamespaces: ["ops\n') || true || ('"] },
          "no-service-external-ips": { allowedExternalIPs: ["192.0.2.1\r"] },
          "exposure-exemptions": {
            systemNamespaces: ["Kube-System"],
            namespaceCreators: { "calico-system": ["alice smith"] },
            grants: [
              {
                namespace: "shop",
                kind: "Service",
                name: "web",
                policies: ["no-such-rule"],
                reason: "\u200b",
                owner: "team\u0085",
                expires: "2027-02-30",
              },
            ],
          },
        },
      }),
  ).catch((e: unknown) => e)) as ZeroportInputError;
  expect(error.issues.map((i) => i.path)).toEqual([
    "config.exposure-exemptions.systemNamespaces[0]",
    "config.exposure-exemptions.namespaceCreators.calico-system[0]",
    "config.exposure-exemptions.grants[0].policies[0]",
    "config.exposure-exemptions.grants[0].reason",
    "config.exposure-exemptions.grants[0].owner",
    "config.exposure-exemptions.grants[0].expires",
    "config.no-service-external-ips.allowedExternalIPs[0]",
    "config.no-host-ports.exemptNamespaces[0]",
  ]);
});

test("the deny binding's actions: Deny by default, Warn and Audit for a staged rollout, never Deny with Warn", async () => {
  const staged = await render(
    () => new ZeroExposureGuard("guard", { validationActions: ["Warn", "Audit"] }),
  );
  const binding = staged.manifests.find(
    (m) => m.metadata.name === "zeroport-zero-exposure-deny" && m.kind.endsWith("Binding"),
  ) as unknown as { spec: { validationActions: string[] } };
  expect(binding.spec.validationActions).toEqual(["Warn", "Audit"]);
  const error = (await render(
    () => new ZeroExposureGuard("guard", { validationActions: ["Deny", "Warn"] }),
  ).catch((e: unknown) => e)) as ZeroportInputError;
  expect(error.issues.map((i) => i.path)).toEqual(["validationActions"]);
});
