import { exemptionSettings, levelOf, optionsOf, type PackConfig } from "./config";
import { exemptionOf, type JudgeContext } from "./exemption";
import type { EnforcementLevel, KubeObject, PolicyOptions, ResourcePolicy } from "./model";
import { RESOURCE_POLICIES, ZERO_EXPOSURE, exposureMessage, exposuresOf } from "./rules";

/** What one policy decides about one object: violations, and exemptions that must stay visible. */
export interface Judgement {
  violations: string[];
  exemptions: string[];
}

/** Applies a policy's check, its allow-lists and the exemption rules to one object. */
export function judge(
  policy: Pick<ResourcePolicy, "name" | "check">,
  obj: KubeObject,
  options: PolicyOptions,
  context: JudgeContext,
): Judgement {
  const findings = policy.check(obj, options);
  const result: Judgement = { violations: [], exemptions: [] };
  if (findings.length === 0) return result;
  const exemption = exemptionOf(policy.name, obj, options, context);
  for (const f of findings) {
    if (f.allowedBy)
      result.exemptions.push(`${policy.name}: allowed by ${f.allowedBy}: ${f.message}`);
    else if (exemption.exempt !== undefined)
      result.exemptions.push(`${policy.name}: exempt (${exemption.exempt}): ${f.message}`);
    else result.violations.push(`${f.message}${exemption.hint}`);
  }
  return result;
}

/** The stack-level view as a policy: one finding per object reachable from outside. */
export const zeroExposureCheck: Pick<ResourcePolicy, "name" | "check"> = {
  name: ZERO_EXPOSURE.name,
  check(obj) {
    const exposures = exposuresOf(obj);
    return exposures.length > 0 ? [{ message: exposureMessage(obj, exposures) }] : [];
  },
};

/** One verdict on one object, as `zeroport scan` prints it. */
export interface Verdict {
  policy: string;
  level: EnforcementLevel;
  message: string;
}

/** Every verdict of every enabled policy on one object, grants read at `now`. Exemptions are advisory. */
export function judgeObject(obj: KubeObject, config: PackConfig, now = new Date()): Verdict[] {
  const context: JudgeContext = { settings: exemptionSettings(config), now };
  const verdicts: Verdict[] = [];
  const checks: [Pick<ResourcePolicy, "name" | "check">, EnforcementLevel][] = [
    ...RESOURCE_POLICIES.map((p): [ResourcePolicy, EnforcementLevel] => [p, p.defaultLevel]),
    [zeroExposureCheck, ZERO_EXPOSURE.defaultLevel],
  ];
  for (const [policy, defaultLevel] of checks) {
    const level = levelOf(policy.name, defaultLevel, config);
    if (level === "disabled") continue;
    const { violations, exemptions } = judge(policy, obj, optionsOf(policy.name, config), context);
    for (const message of violations) verdicts.push({ policy: policy.name, level, message });
    for (const message of exemptions)
      verdicts.push({ policy: policy.name, level: "advisory", message });
  }
  return verdicts;
}
