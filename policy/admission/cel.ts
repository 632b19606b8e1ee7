/**
 * CEL building blocks for the guard: literals, and the variables the rules read, for the object
 * being admitted and (on UPDATE) for the object as it was.
 */
import { EXEMPTION_ANNOTATION } from "../model";
import { VISIBLE_TEXT_CLASS } from "../grants";
import { POD_SPEC_PATHS } from "../pod-spec-paths";
import { CONTROLLER_EDGES, controllerUser } from "../controllers";

/**
 * A CEL string literal. Config is validated before it gets here; this still escapes everything
 * but printable ASCII, so no value can end the literal or hide in it.
 */
export function quote(s: string): string {
  const body = Array.from(s)
    .map((ch) => {
      if (ch === "\\") return "\\\\";
      if (ch === "'") return "\\'";
      const code = ch.codePointAt(0) ?? 0;
      if (code >= 0x20 && code < 0x7f) return ch;
      return code > 0xffff
        ? `\\U${code.toString(16).padStart(8, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    })
    .join("");
  return `'${body}'`;
}

/** A CEL list literal of numbers and strings. */
export const list = (xs: readonly (string | number)[]) =>
  `[${xs.map((x) => (typeof x === "number" ? String(x) : quote(x))).join(", ")}]`;

/** One side of an admission: the new object (`object`) or, on UPDATE, the old one (`oldObject`). */
export interface Side {
  root: "object" | "oldObject";
  /** A variable of this side, by its base name. */
  v(name: string): string;
}

export const NEW: Side = { root: "object", v: (n) => `variables.${n}` };
export const OLD: Side = {
  root: "oldObject",
  v: (n) => `variables.old${n.charAt(0).toUpperCase()}${n.slice(1)}`,
};

/** The kinds whose pod spec sits at spec.template.spec (policy/pod-spec-paths.ts). */
const POD_TEMPLATE_KINDS = Object.entries(POD_SPEC_PATHS)
  .filter(([, at]) => at.join(".") === "spec.template.spec")
  .map(([kind]) => kind);

/** A port's protocol, TCP when unset (as the API server defaults it). */
export const proto = (p: string) => `(has(${p}.protocol) ? ${p}.protocol : 'TCP')`;

/** The variables of one side. Variables are evaluated lazily, so a Service never reads pod fields. */
function sideVariables(s: Side): { name: string; expression: string }[] {
  const r = s.root;
  const present = r === "oldObject" ? "oldObject != null && " : "";
  const name = (n: string) => s.v(n).slice("variables.".length);
  return [
    { name: name("isService"), expression: `${present}${r}.kind == 'Service'` },
    {
      name: name("serviceType"),
      expression: `${s.v("isService")} && has(${r}.spec.type) ? ${r}.spec.type : 'ClusterIP'`,
    },
    {
      name: name("servicePorts"),
      expression: `${s.v("isService")} && has(${r}.spec.ports) ? ${r}.spec.ports : []`,
    },
    {
      name: name("externalIPs"),
      expression: `${s.v("isService")} && has(${r}.spec.externalIPs) ? ${r}.spec.externalIPs : []`,
    },
    {
      name: name("hasPodSpec"),
      expression:
        `${present}(${r}.kind == 'Pod' || (${r}.kind == 'PodTemplate' && has(${r}.template) && has(${r}.template.spec)) || ` +
        `(${r}.kind == 'CronJob' && has(${r}.spec.jobTemplate.spec) && has(${r}.spec.jobTemplate.spec.template.spec)) || ` +
        `(${r}.kind in ${list(POD_TEMPLATE_KINDS)} && has(${r}.spec.template) && has(${r}.spec.template.spec)))`,
    },
    {
      name: name("podTemplate"),
      expression:
        `${r}.kind == 'PodTemplate' ? ${r}.template : ` +
        `${r}.kind == 'CronJob' ? ${r}.spec.jobTemplate.spec.template : ${r}.spec.template`,
    },
    {
      name: name("podSpec"),
      expression: `${r}.kind == 'Pod' ? ${r}.spec : ${s.v("podTemplate")}.spec`,
    },
    {
      name: name("containers"),
      expression:
        `!${s.v("hasPodSpec")} ? [] : ` +
        ["containers", "initContainers", "ephemeralContainers"]
          .map((f) => `(has(${s.v("podSpec")}.${f}) ? ${s.v("podSpec")}.${f} : [])`)
          .join(" + "),
    },
    {
      name: name("hostNetwork"),
      expression: `${s.v("hasPodSpec")} && has(${s.v("podSpec")}.hostNetwork) && ${s.v("podSpec")}.hostNetwork == true`,
    },
  ];
}

const KEY = quote(EXEMPTION_ANNOTATION);
const SA_PREFIX = controllerUser("");
const EDGES = `[${CONTROLLER_EDGES.map(
  (e) =>
    `{'child': ${quote(e.child)}, 'owner': ${quote(e.owner)}, 'ownerApiVersion': ${quote(e.ownerApiVersion)}, 'serviceAccount': ${quote(e.serviceAccount)}}`,
).join(", ")}]`;

/** Variables for the object only: the exemption reason where its pods carry it, owners, times. */
const EXEMPTION_VARIABLES = [
  {
    name: "reason",
    expression:
      "object.kind == 'Service' || object.kind == 'Pod' ? " +
      `(has(object.metadata.annotations) && ${KEY} in object.metadata.annotations ? object.metadata.annotations[${KEY}] : '') : ` +
      "variables.hasPodSpec && has(variables.podTemplate.metadata) && has(variables.podTemplate.metadata.annotations) && " +
      `${KEY} in variables.podTemplate.metadata.annotations ? variables.podTemplate.metadata.annotations[${KEY}] : ''`,
  },
  // The same visible-text test as hasVisibleText() in policy/grants.ts (RE2 and JavaScript agree).
  { name: "reasonVisible", expression: `variables.reason.matches(${quote(VISIBLE_TEXT_CLASS)})` },
  // Controller references that count: written by the controller that makes this kind for that
  // owner's kind (policy/controllers.ts). Anyone else's owner references are the writer's words.
  {
    name: "owners",
    expression:
      "variables.controllerWriter != '' && has(object.metadata.ownerReferences) ? " +
      "object.metadata.ownerReferences.filter(r, has(r.controller) && r.controller == true && " +
      `has(r.kind) && has(r.apiVersion) && ${EDGES}.exists(e, e.child == object.kind && ` +
      "e.owner == r.kind && e.ownerApiVersion == r.apiVersion && " +
      "(variables.controllerWriter == '*' || variables.controllerWriter == e.serviceAccount))) : []",
  },
  {
    // Admission has no clock. The API server stamps creationTimestamp on CREATE and the writer's
    // managedFields entry on every change before validating admission, so the latest of these is
    // the request's time; a grant counts only while every one of them is before its expiry.
    name: "times",
    expression:
      "(has(object.metadata.managedFields) ? object.metadata.managedFields.filter(m, has(m.time)).map(m, timestamp(m.time)) : []) + " +
      "(has(object.metadata.creationTimestamp) ? [timestamp(object.metadata.creationTimestamp)] : [])",
  },
  { name: "name", expression: "has(object.metadata.name) ? object.metadata.name : ''" },
];

/**
 * Which controller wrote this request: "*" for kube-controller-manager's own identity (all its
 * controllers act as it without per-controller credentials), a controller's service-account name
 * in kube-system, or "" for anyone else.
 */
function controllerWriter(managerUsers: readonly string[]) {
  return {
    name: "controllerWriter",
    expression:
      (managerUsers.length > 0
        ? `request.userInfo.username in ${list(managerUsers)} ? '*' : `
        : "") +
      `request.userInfo.username.startsWith(${quote(SA_PREFIX)}) ? ` +
      `request.userInfo.username.substring(${SA_PREFIX.length}) : ''`,
  };
}

/** Every variable a guard policy declares, for kube-controller-manager's user names. */
export function variables(managerUsers: readonly string[]) {
  return [
    ...sideVariables(NEW),
    ...sideVariables(OLD),
    controllerWriter(managerUsers),
    ...EXEMPTION_VARIABLES,
  ];
}
