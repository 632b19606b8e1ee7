/** Release versions as tags spell them (`v1.2.3`, `1.2.3-rc.1`), compared as numbers. */

/** major, minor, patch, then 1 for a release and 0 for a pre-release (which comes first). */
export type Version = readonly number[];

export function parseVersion(tag: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-.+)?$/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : 0] : undefined;
}

/** True when `v` comes before `floor` (compared part by part, as far as `v` has parts). */
export function before(v: Version, floor: Version): boolean {
  const at = v.findIndex((part, i) => part !== floor[i]);
  return at >= 0 && (v[at] ?? 0) < (floor[at] ?? 0);
}
