/**
 * Rendered manifests that patch an existing object (a `*Patch` resource) rather than create one.
 * Kept apart from render.ts, so that marking and asking never load the Pulumi SDK.
 */
const PATCHES = new WeakSet<object>();

export function markPatch(manifest: object): void {
  PATCHES.add(manifest);
}

/** True when the program patches this object (server-side apply) instead of creating it. */
export function isPatch(manifest: object): boolean {
  return PATCHES.has(manifest);
}
