/**
 * The one exemption rule, for the pack, `zeroport scan` and (compiled to CEL) the guard:
 * 1. an object in a system namespace is not judged (the guard's binding never matches it);
 * 2. a namespace in the rule's `exemptNamespaces` is exempt;
 * 3. otherwise the annotation, read where the pods carry it (a pod template's metadata for a
 *    workload), with a visible reason, and an unexpired grant for the rule in the config.
 * Where the config lists no grants at all (`grants` unset), scan and the pack cannot see the
 * cluster's and say so; the guard then has none.
 */
import {
  grantCovers,
  grantExpired,
  grantId,
  hasVisibleText,
  type ExemptionSettings,
  type Grant,
} from "./grants";
import { EXEMPTION_ANNOTATION, listOption, type KubeObject, type PolicyOptions } from "./model";
import { podMetadataPath } from "./pod-spec-paths";

/** Where an object's pods carry their annotations: the object itself, or its pod template. */
export function annotationPath(kind: string): readonly string[] {
  return kind === "Pod" ? ["metadata"] : (podMetadataPath(kind) ?? ["metadata"]);
}

function annotationAt(obj: KubeObject, path: readonly string[]): string | undefined {
  let node: unknown = obj;
  for (const key of [...path, "annotations"]) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== "object" || node === null) return undefined;
  const value = (node as Record<string, unknown>)[EXEMPTION_ANNOTATION];
  return typeof value === "string" ? value : undefined;
}

/** The exemption annotation where it counts, and whether it sits only on the workload itself. */
export function exemptionAnnotation(obj: KubeObject): {
  reason?: string;
  path: string;
  onWorkloadOnly: boolean;
} {
  const path = annotationPath(obj.kind);
  const reason = annotationAt(obj, path);
  const onWorkload = path.length > 1 ? annotationAt(obj, ["metadata"]) : undefined;
  return {
    reason,
    path: [...path, "annotations"].join("."),
    onWorkloadOnly: reason === undefined && onWorkload !== undefined,
  };
}

/** The context every rule is judged in: the shared settings and the time grants are read at. */
export interface JudgeContext {
  settings: ExemptionSettings;
  now: Date;
}

/** What the exemption rule says of one object for one rule's findings. */
export type ExemptionOutcome = { exempt: string } | { exempt?: undefined; hint: string };

const GRANT_FIELDS = "namespace, kind, name, policies, reason, owner, expires";

function grantFor(policy: string, obj: KubeObject, grants: readonly Grant[]): Grant[] {
  return grants.filter((g) => g.policies.includes(policy) && grantCovers(g, obj));
}

/** Applies the rule; `hint` says why an annotation did not exempt (or is empty). */
export function exemptionOf(
  policy: string,
  obj: KubeObject,
  options: PolicyOptions,
  { settings, now }: JudgeContext,
): ExemptionOutcome {
  const ns = obj.metadata?.namespace;
  if (ns !== undefined && settings.systemNamespaces.includes(ns))
    return {
      exempt: `namespace ${ns} is a system namespace (exposure-exemptions.systemNamespaces): the guard does not judge it`,
    };
  if (ns !== undefined && listOption<string>(options, "exemptNamespaces").includes(ns))
    return { exempt: `namespace ${ns} is exempt by configuration` };
  const { reason, path, onWorkloadOnly } = exemptionAnnotation(obj);
  if (onWorkloadOnly)
    return {
      hint: ` (The ${EXEMPTION_ANNOTATION} annotation is on the ${obj.kind} itself, not at ${path}: its pods will not carry it, so admission will not exempt them.)`,
    };
  if (reason === undefined) return { hint: "" };
  if (!hasVisibleText(reason))
    return {
      hint: ` (The ${EXEMPTION_ANNOTATION} annotation has no visible text: an exemption needs a reason.)`,
    };
  const said = `${EXEMPTION_ANNOTATION}: ${reason.trim()}`;
  if (settings.grants === undefined)
    return {
      exempt: `${said}; this config lists no grants, so the cluster's cannot be checked here: admission needs an admin's grant in exposure-exemptions.grants`,
    };
  const matching = grantFor(policy, obj, settings.grants);
  const live = matching.find((g) => !grantExpired(g, now));
  if (live)
    return {
      exempt: `${said}; granted by ${live.owner} until ${live.expires} (${grantId(live)}: ${live.reason})`,
    };
  const expired = matching[0];
  if (expired)
    return {
      hint: ` (Its grant ${grantId(expired)}, owned by ${expired.owner}, expired on ${expired.expires}: renew it in exposure-exemptions.grants.)`,
    };
  return {
    hint: ` (It is annotated, but no grant covers it: ask a cluster admin to add one to exposure-exemptions.grants (${GRANT_FIELDS}) for ${policy}.)`,
  };
}
