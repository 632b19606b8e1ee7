/**
 * The exposure rules as ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1): CEL the
 * API server runs itself, no webhook and no controller. The same rule names, levels, exemptions
 * and options as the CrossGuard pack and `zeroport scan`, from the same config: rules at
 * `mandatory` (or `remediate`, which admission cannot do) deny; `advisory` ones warn and audit.
 *
 * Built for a living cluster: system namespaces are left out by the binding; exemptions need the
 * annotation where the pods carry it and an admin's unexpired grant, compiled in from the config
 * (so changing a grant is a change of the policy, which only admins write); an UPDATE that exposes
 * nothing new passes (also while the object is being deleted, and nothing more then); every exemption used is warned about and audited.
 */
import { exemptionSettings, levelOf, optionsOf, type PackConfig } from "../config";
import { dayStart, type Grant } from "../grants";
import { EXEMPTION_ANNOTATION, listOption, type EnforcementLevel } from "../model";
import { EXPOSURE_EXEMPTIONS, RESOURCE_POLICIES } from "../rules";
import { list, NEW, quote, variables as celVariables } from "./cel";
import { CEL_RULES } from "./cel-rules";
import { namespaceGuard } from "./exempt-namespaces";

export { CEL_RULES } from "./cel-rules";

/** The actions a binding may take; Deny and Warn together are refused by the API server. */
export type ValidationAction = "Deny" | "Warn" | "Audit";

/** The resources the guard judges: Services and every kind that carries a pod spec. */
const RESOURCE_RULES = [
  { apiGroups: [""], resources: ["services", "pods", "podtemplates", "replicationcontrollers"] },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"] },
].map((r) => ({ ...r, apiVersions: ["*"], operations: ["CREATE", "UPDATE"] }));

/** CEL: this grant names the object, or the workload whose controller made it. */
function grantMatch(g: Grant): string {
  const name = quote(g.name);
  const owner = [`(r.kind == ${quote(g.kind)} && r.name == ${name})`];
  if (g.kind === "Deployment")
    owner.push(
      "(object.kind == 'Pod' && r.kind == 'ReplicaSet' && has(object.metadata.labels) && " +
        "'pod-template-hash' in object.metadata.labels && " +
        `r.name == ${quote(`${g.name}-`)} + object.metadata.labels['pod-template-hash'])`,
    );
  if (g.kind === "CronJob")
    owner.push(
      `(object.kind == 'Pod' && r.kind == 'Job' && r.name.matches(${quote(`^${g.name.replace(/\./g, "\\.")}-[0-9]+$`)}))`,
    );
  return (
    `(request.namespace == ${quote(g.namespace)} && size(variables.times) > 0 && ` +
    `!variables.times.exists(t, t >= timestamp(${quote(dayStart(g.expires))})) && ` +
    `((object.kind == ${quote(g.kind)} && variables.name == ${name}) || ` +
    `variables.owners.exists(r, ${owner.join(" || ")})))`
  );
}

interface CompiledRule {
  name: string;
  level: EnforcementLevel;
  violation: string;
  /** Exempt by namespace or by annotation and grant. */
  exempt: string;
  /** The exposure was there before this UPDATE. */
  passes: string;
  message: string;
}

function compileRules(config: PackConfig): CompiledRule[] {
  const grants = exemptionSettings(config).grants ?? [];
  const out: CompiledRule[] = [];
  for (const policy of RESOURCE_POLICIES) {
    const rule = CEL_RULES[policy.name];
    const level = levelOf(policy.name, policy.defaultLevel, config);
    if (!rule || level === "disabled") continue;
    const options = optionsOf(policy.name, config);
    const namespaces = listOption<string>(options, "exemptNamespaces");
    const granted = grants.filter((g) => g.policies.includes(policy.name)).map(grantMatch);
    out.push({
      name: policy.name,
      level,
      violation: rule.violates(options, NEW),
      exempt: [
        ...(namespaces.length > 0 ? [`request.namespace in ${list(namespaces)}`] : []),
        ...(granted.length > 0 ? [`(variables.reasonVisible && (${granted.join(" || ")}))`] : []),
      ].join(" || "),
      // An object being deleted gets no pass of its own: while a finalizer holds it, its updates
      // are judged like any other (removing the finalizer exposes nothing new, so it passes).
      passes: `request.operation == 'UPDATE' && oldObject != null && ${rule.keeps(options)}`,
      message: rule.message,
    });
  }
  return out;
}

const objectName =
  "object.kind + ' ' + request.namespace + '/' + (variables.name != '' ? variables.name : '(generated)')";

/** The denial: how to fix it, and for an annotated object, how to ask for a grant. */
function messageExpression(r: CompiledRule): string {
  const fix = ` To exempt it, annotate the Service or the pod template with ${EXEMPTION_ANNOTATION}: <reason> and ask a cluster admin for a grant (exposure-exemptions.grants in the guard's config).`;
  const ask =
    ` is annotated ${EXEMPTION_ANNOTATION}, but no unexpired grant in the guard covers it for ${r.name}: ` +
    "ask a cluster admin to add one to exposure-exemptions.grants (namespace, kind, name, policies, reason, owner, expires).";
  return (
    `variables.reason != '' ? ${quote(`${r.message}. `)} + ${objectName} + ${quote(ask)} : ` +
    `${quote(`${r.message}: `)} + ${objectName} + ${quote(`.${fix}`)}`
  );
}

/** The CEL identifier of a rule's variables: `no-host-ports` → `noHostPorts`. */
const ident = (rule: string) => rule.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Each rule's parts as variables (violates, passes, exempt, exemptionUsed), so validations, warnings
 * and the audit annotation (at most 5 KiB of CEL) name them instead of repeating them.
 */
function ruleVariables(rules: CompiledRule[]): { name: string; expression: string }[] {
  return rules.flatMap((r) => {
    const id = ident(r.name);
    return [
      { name: `${id}Violates`, expression: r.violation },
      { name: `${id}Passes`, expression: r.passes },
      ...(r.exempt !== ""
        ? [
            { name: `${id}Exempt`, expression: r.exempt },
            {
              name: `${id}ExemptionUsed`,
              expression: `variables.${id}Violates && !variables.${id}Passes && variables.${id}Exempt`,
            },
          ]
        : []),
    ];
  });
}

export interface GuardOptions {
  labels?: Record<string, string>;
  /** The deny binding's actions: ["Deny"] to enforce, ["Warn", "Audit"] to roll out first. */
  denyActions?: ValidationAction[];
}

export interface GuardManifests {
  policies: Record<string, unknown>[];
  bindings: Record<string, unknown>[];
}

/**
 * The policies and bindings for a pack config: one pair per action, deny and warn, and one that
 * keeps the exempt namespace names for admins (policy/admission/exempt-namespaces.ts).
 */
export function guardManifests(
  name: string,
  config: PackConfig,
  { labels = {}, denyActions = ["Deny"] }: GuardOptions = {},
): GuardManifests {
  const rules = compileRules(config);
  const { systemNamespaces, controllerManagerUsers } = exemptionSettings(config);
  const reportExemptions = levelOf(EXPOSURE_EXEMPTIONS.name, "advisory", config) !== "disabled";
  const used = rules.filter((r) => r.exempt !== "");
  const variables = [
    ...celVariables(controllerManagerUsers),
    ...ruleVariables(rules),
    {
      name: "exemptionsUsed",
      expression:
        used.length > 0
          ? used
              .map((r) => `(variables.${ident(r.name)}ExemptionUsed ? [${quote(r.name)}] : [])`)
              .join(" + ")
          : "[]",
    },
  ];
  const auditAnnotations = [
    {
      key: "exemptions",
      valueExpression: `size(variables.exemptionsUsed) > 0 ? ${objectName} + ' exempt from ' + variables.exemptionsUsed.join(', ') : ''`,
    },
  ];
  const validations: Record<"deny" | "warn", Record<string, unknown>[]> = { deny: [], warn: [] };
  for (const r of rules) {
    validations[r.level === "advisory" ? "warn" : "deny"].push({
      expression: `!variables.${ident(r.name)}Violates || variables.${ident(r.name)}Passes${r.exempt ? ` || variables.${ident(r.name)}Exempt` : ""}`,
      messageExpression: messageExpression(r),
      message: r.message,
      reason: "Forbidden",
    });
  }
  if (reportExemptions)
    for (const r of used)
      validations.warn.push({
        expression: `!variables.${ident(r.name)}ExemptionUsed`,
        messageExpression: `${quote(`${EXPOSURE_EXEMPTIONS.name}: `)} + ${objectName} + ${quote(` is exempt from ${r.name} (${EXEMPTION_ANNOTATION}: `)} + variables.reason + ')'`,
        message: `${EXPOSURE_EXEMPTIONS.name}: exempt from ${r.name}`,
        reason: "Forbidden",
      });
  const namespaceSelector =
    systemNamespaces.length > 0
      ? {
          matchExpressions: [
            {
              key: "kubernetes.io/metadata.name",
              operator: "NotIn",
              values: [...systemNamespaces],
            },
          ],
        }
      : {};
  const out: GuardManifests = { policies: [], bindings: [] };
  for (const action of ["deny", "warn"] as const) {
    if (validations[action].length === 0) continue;
    const policyName = `${name}-${action}`;
    out.policies.push({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: policyName, labels },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: RESOURCE_RULES },
        variables,
        validations: validations[action],
        ...(action === "deny" ? { auditAnnotations } : {}),
      },
    });
    out.bindings.push({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: policyName, labels },
      spec: {
        policyName,
        validationActions: action === "deny" ? denyActions : ["Warn", "Audit"],
        matchResources: { namespaceSelector },
      },
    });
  }
  const squatting = namespaceGuard(`${name}-namespaces`, config, labels, denyActions);
  if (squatting) {
    out.policies.push(squatting.policy);
    out.bindings.push(squatting.binding);
  }
  return out;
}
