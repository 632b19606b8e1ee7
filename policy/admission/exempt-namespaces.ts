/**
 * Namespace names the guard leaves out (systemNamespaces, and each rule's exemptNamespaces) are
 * only as safe as the right to create them: where a tenant may create namespaces, it could create
 * `calico-system` on a cluster without Calico and expose the node from it. This policy closes that
 * at admission: a namespace of such a name may be created only by someone who may change the
 * guard itself (asked of the API server's authorizer, so kubeadm's cluster-admins, system:masters
 * and cloud admins alike), or by a user the admin lists for that name in
 * exposure-exemptions.namespaceCreators (by default the Tigera operator, for calico-system). kube-system and the other
 * namespaces the API server makes are created by the API server itself, in system:masters.
 */
import { exemptionSettings, levelOf, optionsOf, type PackConfig } from "../config";
import { listOption } from "../model";
import { RESOURCE_POLICIES } from "../rules";
import { list, quote } from "./cel";
import type { ValidationAction } from "./validating-policy";

/** Every namespace name some rule leaves out, in the config's order. */
export function exemptNamespaceNames(config: PackConfig): string[] {
  const names = [...exemptionSettings(config).systemNamespaces];
  for (const policy of RESOURCE_POLICIES) {
    if (levelOf(policy.name, policy.defaultLevel, config) === "disabled") continue;
    names.push(...listOption<string>(optionsOf(policy.name, config), "exemptNamespaces"));
  }
  return [...new Set(names)];
}

/** The policy and binding that keep exempt namespace names for admins; none when no name is exempt. */
export function namespaceGuard(
  policyName: string,
  config: PackConfig,
  labels: Record<string, string>,
  actions: ValidationAction[],
): { policy: Record<string, unknown>; binding: Record<string, unknown> } | undefined {
  const names = exemptNamespaceNames(config);
  if (names.length === 0) return undefined;
  const creators = Object.entries(exemptionSettings(config).namespaceCreators)
    .filter(([ns, users]) => names.includes(ns) && users.length > 0)
    .map(
      ([ns, users]) =>
        `(object.metadata.name == ${quote(ns)} && request.userInfo.username in ${list(users)})`,
    );
  const mayChangeGuard =
    "authorizer.group('admissionregistration.k8s.io').resource('validatingadmissionpolicies')" +
    `.name(${quote(policyName)}).check('update').allowed()`;
  const policy = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name: policyName, labels },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [""],
            apiVersions: ["*"],
            resources: ["namespaces"],
            operations: ["CREATE"],
          },
        ],
      },
      validations: [
        {
          expression:
            `!(has(object.metadata.name) && object.metadata.name in ${list(names)}) || ` +
            creators.map((c) => `${c} || `).join("") +
            mayChangeGuard,
          messageExpression:
            "'namespace ' + object.metadata.name + " +
            quote(
              " is left out of the exposure rules (exposure-exemptions.systemNamespaces or a rule's exemptNamespaces): " +
                `only a user who may update validatingadmissionpolicies/${policyName}, or one listed in exposure-exemptions.namespaceCreators, may create it`,
            ),
          message: "a namespace left out of the exposure rules may be created only by an admin",
          reason: "Forbidden",
        },
      ],
    },
  };
  // No namespaceSelector: for a Namespace it would match the namespace being created, and the
  // names this policy keeps are exactly the ones the rule bindings select away.
  const binding = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name: policyName, labels },
    spec: { policyName, validationActions: actions, matchResources: {} },
  };
  return { policy, binding };
}
