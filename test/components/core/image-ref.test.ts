import { imageNameAndTag } from "../../../components/core/image-ref";

const DIGEST = `@sha256:${"a".repeat(64)}`;

describe("imageNameAndTag", () => {
  test.each([
    ["docker.io/openziti/ziti-host:1.18.7", { name: "ziti-host", tag: "1.18.7" }],
    ["registry:5000/mirror/ziti-router:2.0.3", { name: "ziti-router", tag: "2.0.3" }],
    [`ziti-cli:2.0.3${DIGEST}`, { name: "ziti-cli", tag: "2.0.3" }],
    [`ziti-cli${DIGEST}`, { name: "ziti-cli" }],
  ])("%s", (ref, expected) => {
    expect(imageNameAndTag(ref)).toEqual(expected);
  });
});
