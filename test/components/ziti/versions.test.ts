import * as pulumi from "@pulumi/pulumi";
import { IMAGES } from "../../../components/core/images";
import { imageNameAndTag } from "../../../components/core/image-ref";
import { LoopbackSidecar } from "../../../components/ziti/loopback-sidecar";
import { NodeProxyDaemonset } from "../../../components/ziti/node-proxy-daemonset";
import { RouterTunneler } from "../../../components/ziti/router-tunneler";
import { TproxySidecar } from "../../../components/ziti/tproxy-sidecar";
import { ZITI_VERSION_FLOORS, unsupportedZitiImage } from "../../../components/ziti/versions";
import { ZitiHost } from "../../../components/ziti/ziti-host";
import { identityJson, jwt } from "../../helpers/fixtures";
import { render } from "../../helpers/mocks";

const DIGEST = `@sha256:${"a".repeat(64)}`;

describe("unsupportedZitiImage", () => {
  test.each([
    ["docker.io/openziti/ziti-host:1.12.0", "ziti-host 1.16.2"],
    ["registry:5000/mirror/ziti-edge-tunnel:v1.16.1", "ziti-edge-tunnel 1.16.2"],
    ["ziti-edge-tunnel:1.16.2-rc1", "ziti-edge-tunnel 1.16.2"],
    [`ziti-host:1.12.0${DIGEST}`, "ziti-host 1.16.2"],
    ["docker.io/openziti/ziti-router:1.6.20", "ziti-router 2.0.0"],
    ["ziti-tunnel:2.0.0-pre14", "ziti-tunnel 2.0.0"],
    ["ziti-cli:1.6.12", "ziti-cli 2.0.0"],
  ])("%s is older than its floor", (image, floor) => {
    expect(unsupportedZitiImage(image)).toBe(
      `${image} is older than ${floor}, the oldest release upstream supports with a 2.0.x ` +
        `controller: ${ZITI_VERSION_FLOORS[floor.split(" ")[0]].why} (docs/upstream.md U37)`,
    );
  });

  test.each([
    ["ziti-host:1.17.0", "1.16.3 and 1.17.0"],
    ["ziti-edge-tunnel:v1.16.4", "1.16.3 and 1.17.0"],
    ["ziti-host:1.17.0-rc2", "1.16.3 and 1.17.0"],
  ])("%s is in a gap upstream neither guarantees nor tests", (image, gap) => {
    expect(unsupportedZitiImage(image)).toBe(
      `${image} is between ${imageNameAndTag(image).name} ${gap}, releases upstream neither ` +
        `guarantees nor tests with a 2.0.x controller: ${ZITI_VERSION_FLOORS["ziti-host"].why} (docs/upstream.md U37)`,
    );
  });

  test.each([
    "ziti-edge-tunnel:1.16.2",
    "ziti-host:1.17.1",
    "ziti-host:1.17.1-rc1",
    "ziti-host:2.0.0-alpha27",
    "ziti-router:2.0.0",
    "ziti-router:2.1.0-pre2",
    `ziti-host${DIGEST}`,
    "ziti-host:stable",
    "registry.internal/my-tunnel:1.0.0",
  ])("%s is not refused a warning it has not earned", (image) => {
    expect(unsupportedZitiImage(image)).toBeUndefined();
  });

  test("every default image is inside upstream's supported versions", () => {
    const ziti = Object.values(IMAGES).filter(
      (i) => imageNameAndTag(i).name in ZITI_VERSION_FLOORS,
    );
    expect(ziti.map(imageNameAndTag).map((i) => i.name)).toEqual([
      "ziti-host",
      "ziti-edge-tunnel",
      "ziti-tunnel",
      "ziti-cli",
      "ziti-router",
    ]);
    expect(ziti.map(unsupportedZitiImage)).toEqual(ziti.map(() => undefined));
  });
});

describe("each OpenZiti component warns, once, for an image older than its floor", () => {
  const identity = { json: identityJson() };
  const components: [string, string, (image: string) => pulumi.Resource][] = [
    ["ZitiHost", "ziti-host:1.12.0", (image) => new ZitiHost("h", { identity, image })],
    [
      "NodeProxyDaemonset",
      "ziti-edge-tunnel:1.12.0",
      (image) => new NodeProxyDaemonset("n", { identity, image }),
    ],
    [
      "RouterTunneler",
      "ziti-router:1.6.20",
      (image) => new RouterTunneler("r", { enrollment: { jwt: jwt({ em: "erott" }) }, image }),
    ],
    [
      "TproxySidecar",
      "ziti-tunnel:1.6.20",
      (image) => new TproxySidecar("t", { namespace: "shop", identity, image }),
    ],
    [
      "LoopbackSidecar",
      "ziti-cli:1.6.20",
      (image) =>
        new LoopbackSidecar("l", {
          namespace: "shop",
          identity,
          services: [{ name: "orders", port: 8443 }],
          image,
        }),
    ],
  ];

  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
  });
  afterEach(() => warn.mockRestore());

  test.each(components)("%s", async (_kind, old, make) => {
    let made: pulumi.Resource | undefined;
    await render(() => (made = make(old)));
    expect(warn.mock.calls).toEqual([[unsupportedZitiImage(old), made]]);
    warn.mockClear();
    await render(() => make(old.replace(/:.*/, ":2.0.3")));
    expect(warn).not.toHaveBeenCalled();
  });
});
