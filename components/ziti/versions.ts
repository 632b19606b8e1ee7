/**
 * The OpenZiti versions that work together, as upstream states it (docs/upstream.md U37): the
 * controller is on the 2.0 LTS line; routers and the Go tunneler are 2.x releases; the C tunnelers
 * (ziti-edge-tunnel, ziti-host) are the release current when the 2.0 LTS was cut or newer.
 */
import * as pulumi from "@pulumi/pulumi";
import { imageNameAndTag } from "../core/image-ref";
import { before, parseVersion, type Version } from "../../base/versions";

/** The controller line every default image is proven against. */
export const ZITI_CONTROLLER_LINE = "2.0";

interface Floor {
  /** The oldest release upstream guarantees against a 2.0.x controller. */
  from: string;
  /** Releases from `from` on that upstream neither guarantees nor tests: [first, last]. */
  gaps?: readonly (readonly [string, string])[];
  why: string;
}

const C_TUNNELER: Floor = {
  from: "1.16.2",
  gaps: [["1.16.3", "1.17.0"]],
  why:
    "upstream guarantees ziti-edge-tunnel and ziti-host against a 2.0.x controller at 1.16.2, " +
    "the release current when the 2.0 LTS was cut, and tests every release from 1.17.1 against it",
};
const ZITI_RELEASE: Floor = {
  from: "2.0.0",
  why:
    "2.x routers need a 2.x controller, and upstream guarantees interoperability with the " +
    "2.0 LTS controller only for releases from 2.0.0",
};

/** Image repositories (the last path segment) whose versions upstream's release policy covers. */
export const ZITI_VERSION_FLOORS: Readonly<Record<string, Floor>> = {
  "ziti-edge-tunnel": C_TUNNELER,
  "ziti-host": C_TUNNELER,
  "ziti-router": ZITI_RELEASE,
  "ziti-tunnel": ZITI_RELEASE,
  "ziti-cli": ZITI_RELEASE,
};

/** True when `v` is a release in [first, last], pre-releases of `first` included. */
function within(v: Version, [first, last]: readonly [string, string]): boolean {
  const a = parseVersion(first);
  const b = parseVersion(last);
  return a !== undefined && b !== undefined && !before(v, [a[0], a[1], a[2], 0]) && !before(b, v);
}

/**
 * Why `image` is outside what upstream supports against a 2.0.x controller, or undefined when it
 * is inside, or when its version cannot be read (a digest, a tag that is not a version, an image
 * zeroport does not know): those are the user's to vouch for.
 */
export function unsupportedZitiImage(image: string): string | undefined {
  const { name, tag } = imageNameAndTag(image);
  const floor = ZITI_VERSION_FLOORS[name];
  const version = tag === undefined ? undefined : parseVersion(tag);
  const floorVersion = floor && parseVersion(floor.from);
  if (!floor || !version || !floorVersion) return undefined;
  if (before(version, floorVersion))
    return (
      `${image} is older than ${name} ${floor.from}, the oldest release upstream supports with a ` +
      `${ZITI_CONTROLLER_LINE}.x controller: ${floor.why} (docs/upstream.md U37)`
    );
  const gap = floor.gaps?.find((g) => within(version, g));
  if (!gap) return undefined;
  return (
    `${image} is between ${name} ${gap[0]} and ${gap[1]}, releases upstream neither guarantees nor ` +
    `tests with a ${ZITI_CONTROLLER_LINE}.x controller: ${floor.why} (docs/upstream.md U37)`
  );
}

/** Warns, once per component, when its image is outside upstream's supported versions. */
export function warnUnsupportedZitiImage(image: string, component: pulumi.Resource): void {
  const why = unsupportedZitiImage(image);
  if (why !== undefined) void pulumi.log.warn(why, component);
}
