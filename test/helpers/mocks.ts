// The one recording-mocks helper: runs a program under the Pulumi mock runtime and hands back
// what it registered, as resources and as the manifests `zeroport render` prints.
import {
  isSecretMarker,
  recordProgram,
  toManifests,
  type Manifest,
  type RecordedResource,
} from "../../cli/render";

export interface Rendered {
  resources: RecordedResource[];
  manifests: Manifest[];
  /** The one manifest of `kind` (and `name`, if given); fails the test otherwise. */
  one(kind: string, name?: string): Manifest;
  all(kind: string): Manifest[];
  /** The recorded (unredacted) inputs of the one resource of `kind` named `name`. */
  inputsOf(kind: string, name: string): Record<string, unknown>;
}

export async function render(program: () => unknown): Promise<Rendered> {
  const resources = await recordProgram(program, { project: "test", stack: "test" });
  const manifests = toManifests(resources);
  const all = (kind: string) => manifests.filter((m) => m.kind === kind);
  return {
    resources,
    manifests,
    all,
    one(kind, name) {
      const found = all(kind).filter((m) => name === undefined || m.metadata.name === name);
      if (found.length !== 1)
        throw new Error(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
      return found[0];
    },
    inputsOf(kind, name) {
      const found = resources.filter((r) => r.type.endsWith(`:${kind}`) && r.name === name);
      if (found.length !== 1)
        throw new Error(`expected one ${kind} resource ${name}, found ${found.length}`);
      return found[0].inputs;
    },
  };
}

/** Every path in `value` at which `needle` occurs as (part of) a plain, non-secret string. */
export function plainOccurrences(value: unknown, needle: string, path = ""): string[] {
  if (isSecretMarker(value)) return [];
  if (typeof value === "string") return value.includes(needle) ? [path] : [];
  if (Array.isArray(value))
    return value.flatMap((v, i) => plainOccurrences(v, needle, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) =>
      plainOccurrences(v, needle, path ? `${path}.${k}` : k),
    );
  }
  return [];
}

/** A `PodSpec` out of a rendered workload manifest. */
export function podSpecOf(m: Manifest): Record<string, unknown> {
  const spec = m.spec as { template?: { spec?: Record<string, unknown> } };
  if (!spec.template?.spec) throw new Error(`${m.kind} ${m.metadata.name} has no pod template`);
  return spec.template.spec;
}
