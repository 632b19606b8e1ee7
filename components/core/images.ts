import { z } from "zod";
import { IMAGE_DIGEST, imageNameAndTag } from "./image-ref";

/**
 * Every default image zeroport deploys, pinned to a released tag (never `latest`).
 *
 * One table so that an upgrade is one reviewed diff. Tags are the newest stable releases known
 * when this table was last edited; every component lets the user override the image.
 */
export const IMAGES = {
  /**
   * `ziti-edge-tunnel run-host` as nobody:ziti (65534:2171). 1.18.7: the newest ziti-tunnel-sdk-c
   * release, which upstream's release policy guarantees and its CI tests against the 2.0 LTS
   * controller (docs/upstream.md U37); every fact zeroport uses was read at v1.18.7 (U1-U7).
   */
  zitiHost: "docker.io/openziti/ziti-host:1.18.7",
  /** `ziti-edge-tunnel run` (root; node proxy). */
  zitiEdgeTunnel: "docker.io/openziti/ziti-edge-tunnel:1.18.7",
  /** The legacy Go tunneler `ziti tunnel` (root; tproxy sidecar). openziti/ziti releases. */
  zitiTunnel: "docker.io/openziti/ziti-tunnel:2.0.3",
  /** The `ziti` CLI as ziggy (2171); `ziti tunnel proxy` without root. */
  zitiCli: "docker.io/openziti/ziti-cli:2.0.3",
  /** The OpenZiti router as ziggy (2171). */
  zitiRouter: "docker.io/openziti/ziti-router:2.0.3",
  /**
   * The ZTM hub. 1.0.4: the first stable release with `ztm ca import` (from rc3) and proxy `rules`
   * (from rc2); its agent, hub and ca code equal 2.0.0's. flomesh-io/ztm's docker-release workflow
   * publishes ztm-hub and ztm-agent for every published release (docs/upstream.md).
   */
  ztmHub: "docker.io/flomesh/ztm-hub:1.0.4",
  /** The ZTM agent, same release as the hub. */
  ztmAgent: "docker.io/flomesh/ztm-agent:1.0.4",
  /** Node.js for the ZTM reconciler (a plain script from a ConfigMap; runs as the image's node user). */
  node: "docker.io/library/node:20.18.1-alpine3.20",
} as const;

export type ImageName = keyof typeof IMAGES;

/**
 * An image reference with an explicit tag or digest. `latest` and untagged references are
 * refused because they make a deployment change under the user's feet.
 */
export const ImageRef = z
  .string()
  .min(1, "must be an image reference such as `registry/repo:1.2.3`")
  .refine(
    (ref) => /^[^\s@]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(ref),
    "must be an image reference such as `registry/repo:1.2.3` or `repo@sha256:<64 hex>`",
  )
  .refine((ref) => hasPinnedVersion(ref), {
    message: "must pin a tag or digest other than `latest` (for example `repo:1.2.3`)",
  });

/** True when the reference names a digest, or a tag that is not `latest`. */
export function hasPinnedVersion(ref: string): boolean {
  if (IMAGE_DIGEST.test(ref)) return true;
  const { tag } = imageNameAndTag(ref);
  return tag !== undefined && tag !== "latest";
}
