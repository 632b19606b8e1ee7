import { ZeroExposureGuard } from "../../../components/guard/zero-exposure-guard";
import type { ZeroportInputError } from "../../../components/core/validation";
import { render } from "../../helpers/mocks";

test("creates a policy and a binding per action, and nothing else", async () => {
  const r = await render(() => new ZeroExposureGuard("guard"));
  expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
    "ValidatingAdmissionPolicy/zeroport-zero-exposure-deny",
    "ValidatingAdmissionPolicy/zeroport-zero-exposure-warn",
    "ValidatingAdmissionPolicyBinding/zeroport-zero-exposure-deny",
    "ValidatingAdmissionPolicyBinding/zeroport-zero-exposure-warn",
  ]);
});

test("refuses a config the pack would refuse, naming the path", async () => {
  const error = (await render(
    () => new ZeroExposureGuard("guard", { config: { "no-host-ports": "sometimes" } }),
  ).catch((e: unknown) => e)) as ZeroportInputError;
  expect(error.issues.map((i) => i.path)).toEqual(["config.no-host-ports"]);
});
