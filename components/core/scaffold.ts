import type * as pulumi from "@pulumi/pulumi";
import {
  ensureIdentitySecret,
  type EnrollmentKind,
  type IdentitySecretRef,
  type ResolvedIdentity,
} from "./identity";
import { standardLabels } from "./labels";
import { ensureNamespace, type PodSecurityLevel, type ResolvedNamespace } from "./namespace";

/** A component's first children, the same in every component: its labels and its namespace. */
export interface Scaffold {
  labels: Record<string, string>;
  ns: { name: pulumi.Output<string> };
  parent: pulumi.Resource;
  name: string;
  subject: string;
}

/**
 * The labels every child carries, and the namespace (used, or created to enforce `level`, the
 * strictest Pod Security level the component's pods meet).
 */
export function scaffold(
  parent: pulumi.Resource,
  name: string,
  subject: string,
  component: string,
  a: { labels: Record<string, string>; namespace: ResolvedNamespace },
  level: PodSecurityLevel,
): Scaffold {
  const labels = standardLabels(component, name, a.labels);
  const ns = ensureNamespace(a.namespace, `${name}-namespace`, level, labels, parent);
  return { labels, ns, parent, name, subject };
}

/** The component's identity Secret, `<name>-<suffix>` in its namespace (or the user's own Secret). */
export function scaffoldIdentity(
  s: Scaffold,
  identity: ResolvedIdentity,
  kind: EnrollmentKind = "identity",
  suffix = "identity",
): IdentitySecretRef {
  return ensureIdentitySecret(identity, {
    name: `${s.name}-${suffix}`,
    namespace: s.ns.name,
    labels: s.labels,
    kind,
    subject: `${s.subject} ${s.name}`,
    parent: s.parent,
  });
}
