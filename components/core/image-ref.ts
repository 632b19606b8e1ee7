/** Reading an image reference's parts: shared by the pinning check and the version floors. */

/** A digest suffix, `@sha256:<64 hex>`. */
export const IMAGE_DIGEST = /@sha256:[a-f0-9]{64}$/;

/** The repository name (last path segment) and tag of an image reference; no tag for a bare digest. */
export function imageNameAndTag(ref: string): { name: string; tag?: string } {
  const withoutDigest = ref.replace(IMAGE_DIGEST, "");
  const last = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon < 0 ? { name: last } : { name: last.slice(0, colon), tag: last.slice(colon + 1) };
}
