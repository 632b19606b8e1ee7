import { sha256 } from "./hash";

/**
 * What `zeroport render` shows for a value the program makes at deploy time (a key, a
 * certificate): render runs no provider, so it cannot know it. The e2e takes it to match any
 * live value.
 */
export const GENERATED = "<generated at deploy>";

/** A value's SHA-256 for a pod annotation that rolls pods when it changes; {@link GENERATED} stays so. */
export function revisionOf(value: string): string {
  return value === GENERATED ? GENERATED : sha256(value);
}
