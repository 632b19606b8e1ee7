/**
 * Who may exempt an object, and where nothing is judged at all. Both live in the pack config under
 * `exposure-exemptions`, an object only admins write, so the guard (compiled into its policy), the
 * pack and `zeroport scan` read the same grants and system namespaces.
 *
 * A grant is the admin's half of an exemption: the object's annotation says why it needs the
 * node's network, the grant says an admin agreed, for which rules, who owns it, and until when.
 */
import { z } from "zod";
import { DnsLabel, DnsSubdomain } from "../base/names";
import { CONTROLLER_MANAGER_USER } from "./controllers";
import type { KubeObject } from "./model";

/**
 * Namespaces the guard never judges, by default: where clusters run their own node agents
 * (kube-proxy, CoreDNS, CNI and CSI node plugins in kube-system; flannel's and Calico's own
 * namespaces from their install manifests). Only a cluster admin can create a namespace.
 */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = [
  "kube-system",
  "kube-flannel",
  "calico-system",
  "tigera-operator",
];

/**
 * Who may create which namespace that is left out of judging, besides anyone who may change the
 * guard itself: the Tigera operator creates calico-system (its service account lives in
 * tigera-operator, itself a system namespace, so only an admin puts it there).
 */
export const DEFAULT_NAMESPACE_CREATORS: Readonly<Record<string, readonly string[]>> = {
  "calico-system": ["system:serviceaccount:tigera-operator:tigera-operator"],
};

/**
 * The user names kube-controller-manager's controllers act as where they do not run as their own
 * service accounts: its certificate's name in kubeadm and most distributions. Another identity
 * (kwok gives it its admin certificate) is named in exposure-exemptions.controllerManagerUsers.
 */
export const DEFAULT_CONTROLLER_MANAGER_USERS: readonly string[] = [CONTROLLER_MANAGER_USER];

/** A user name as the API server reports it (request.userInfo.username): printable, no spaces. */
export const UserName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[\x21-\x7e]+$/, "must be a user name: printable ASCII without spaces");

/** The kinds a grant can name: Services, and every kind that carries (or makes) pods. */
export const GRANT_KINDS = [
  "Service",
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
] as const;

/** Text a person can read: no control, format or separator characters (they break CEL and hide). */
export const PrintableText = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !/[\p{C}\p{Zl}\p{Zp}]/u.test(s), {
    message: "must hold no control or invisible characters",
    abort: true,
  })
  .refine((s) => hasVisibleText(s), "must hold visible text");

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && dayStart(s).startsWith(s), {
    message: "must be a real calendar date",
  });

/** One exemption an admin granted. */
export const GrantSchema = z
  .object({
    namespace: DnsLabel.describe("The namespace of the object."),
    kind: z.enum(GRANT_KINDS).describe("The object's kind; a workload's grant covers its pods."),
    name: DnsSubdomain.describe("The object's name (a workload's name for its pods)."),
    policies: z
      .array(z.string())
      .min(1)
      .describe("The rules it waives, by name: nothing else is waived."),
    reason: PrintableText.describe("Why the object needs what the rules forbid."),
    owner: PrintableText.describe("Who answers for it (a team or a person)."),
    expires: Day.describe("The day it stops counting, at 00:00 UTC."),
  })
  .strict();
export type Grant = z.infer<typeof GrantSchema>;

/** What a character class of visible text is, the same in JavaScript and in CEL (RE2). */
export const VISIBLE_TEXT_CLASS = "[\\p{L}\\p{N}\\p{P}\\p{S}]";
const VISIBLE = new RegExp(VISIBLE_TEXT_CLASS, "u");

/** True when `s` holds a letter, digit, punctuation or symbol: a zero-width space is no reason. */
export function hasVisibleText(s: string): boolean {
  return VISIBLE.test(s);
}

/** The RFC 3339 instant a grant stops counting. */
export function dayStart(day: string): string {
  return new Date(`${day}T00:00:00Z`).toISOString().replace(".000Z", "Z");
}

/** `namespace/Kind/name`, how messages name a grant. */
export function grantId(g: Pick<Grant, "namespace" | "kind" | "name">): string {
  return `${g.namespace}/${g.kind}/${g.name}`;
}

/** The settings `exposure-exemptions` holds for every rule. */
export interface ExemptionSettings {
  systemNamespaces: readonly string[];
  /** Per exempt namespace name, the users (besides admins) who may create it. */
  namespaceCreators: Readonly<Record<string, readonly string[]>>;
  /** Who kube-controller-manager is, where its controllers do not use their own service accounts. */
  controllerManagerUsers: readonly string[];
  /** undefined: this config lists no grants (scan and the pack cannot see the cluster's). */
  grants?: readonly Grant[];
}

/**
 * True when the grant names this object. Owner references never widen a grant here: whoever
 * writes an object writes its owner references, and the pack and `zeroport scan` cannot see who
 * wrote it. At admission the guard counts them only from the controller that makes such objects
 * (policy/controllers.ts); `scan --cluster` judges a controller's object through its owner only
 * where the owner's template would make it (cli/owned-objects.ts).
 */
export function grantCovers(grant: Grant, obj: KubeObject): boolean {
  const meta = obj.metadata;
  return meta?.namespace === grant.namespace && obj.kind === grant.kind && meta.name === grant.name;
}

/** True when the grant has expired at `now`. */
export function grantExpired(grant: Grant, now: Date): boolean {
  return now.getTime() >= Date.parse(dayStart(grant.expires));
}
