/**
 * ZtmProgramCa's dynamic provider: kept out of the package's exports (it is an implementation
 * detail that Pulumi serialises into the state, not an API).
 */
import * as crypto from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import {
  issueMaterial,
  renewalReasons,
  type Material,
  type MaterialInputs,
} from "./program-ca-material";

type State = MaterialInputs & Material & { generator: string };
const inputsOf = (s: MaterialInputs): MaterialInputs => ({
  caHours: s.caHours,
  caRenewBeforeHours: s.caRenewBeforeHours,
  permitHours: s.permitHours,
  permitRenewBeforeHours: s.permitRenewBeforeHours,
  permits: s.permits,
});

/**
 * Issues and renews the material at `pulumi up`. Runs in Pulumi's dynamic provider process, so
 * it refers to node:crypto and the pure functions only.
 */
const caMaterialProvider: pulumi.dynamic.ResourceProvider = {
  create(inputs: State) {
    const material = issueMaterial(inputsOf(inputs), new Date());
    return Promise.resolve({ id: crypto.randomUUID(), outs: { ...inputs, ...material } });
  },
  diff(_id: string, olds: State, news: State) {
    const reasons = renewalReasons(inputsOf(news), olds, new Date());
    const changed = JSON.stringify(inputsOf(olds)) !== JSON.stringify(inputsOf(news));
    return Promise.resolve({ changes: changed || reasons.length > 0 });
  },
  update(_id: string, olds: State, news: State) {
    const material = issueMaterial(inputsOf(news), new Date(), olds, inputsOf(olds));
    return Promise.resolve({ outs: { ...news, ...material } });
  },
};

// Exported at the end, not at their declarations: TypeScript then refers to the local names
// inside this module (not to `exports.…`), which is what Pulumi's serialiser can carry.
export { caMaterialProvider, inputsOf };
