// Validates rendered objects against the Kubernetes API's OpenAPI schema with kubernetes-models
// (types, required fields, enums and formats, per apiVersion and kind).
import type { Manifest } from "../../cli/render";

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const modulePath = `kubernetes-models/${apiVersion}`;
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return mod[kind] as ModelClass | undefined;
}

/** Why `manifest` is not a valid object of its kind, or `[]`. Unknown kinds are a problem too. */
export function schemaProblems(manifest: Manifest): string[] {
  const Model = modelFor(manifest.apiVersion, manifest.kind);
  if (!Model) return [`no Kubernetes schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model(manifest).validate();
    return [];
  } catch (e) {
    return [`${manifest.kind} ${manifest.metadata.name}: ${(e as Error).message}`];
  }
}

/** Every problem of every manifest, so one assertion shows them all. */
export function allSchemaProblems(manifests: readonly Manifest[]): string[] {
  return manifests.flatMap(schemaProblems);
}
