import { z } from "zod";
import { RESTRICTED_NOBODY_CONTAINER } from "../../helpers/expectations";
import * as pulumi from "@pulumi/pulumi";
import { IMAGES, ImageRef, hasPinnedVersion } from "../../../components/core/images";
import { selectorLabels, standardLabels } from "../../../components/core/labels";
import { NamespaceArgs, podSecurityLabels } from "../../../components/core/namespace";
import {
  NOBODY,
  containerSecurityContext,
  restrictedPodSecurityContext,
} from "../../../components/core/security";
import type { ZeroportInputError } from "../../../components/core/validation";
import { formatPath, parseArgs } from "../../../components/core/validation";

describe("pinned images", () => {
  test.each(Object.entries(IMAGES))("%s is pinned to a release tag", (_, ref) => {
    expect(ImageRef.safeParse(ref).success).toBe(true);
    expect(ref).toMatch(/^docker\.io\/[a-z]+\/[a-z-]+:\d+\.\d+\.\d+(-[a-z0-9.]+)?$/);
  });

  test.each([
    ["repo", false],
    ["repo:latest", false],
    ["registry:5000/repo", false],
    ["registry:5000/repo:1.2.3", true],
    [`repo@sha256:${"a".repeat(64)}`, true],
  ])("%s pinned: %s", (ref, pinned) => {
    expect(hasPinnedVersion(ref)).toBe(pinned);
    expect(ImageRef.safeParse(ref).success).toBe(pinned);
  });

  test("explains what a pinned reference is", () => {
    const result = ImageRef.safeParse("openziti/ziti-host:latest");
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      "must pin a tag or digest other than `latest` (for example `repo:1.2.3`)",
    ]);
  });
});

describe("security contexts", () => {
  test("restricted pod defaults", () => {
    expect(restrictedPodSecurityContext(NOBODY)).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  test("restricted container defaults", () => {
    expect(containerSecurityContext(NOBODY)).toEqual(RESTRICTED_NOBODY_CONTAINER);
  });

  test("a capability escalation adds only that capability", () => {
    expect(
      containerSecurityContext({ uid: 2171, gid: 2171 }, [
        { kind: "capability", capability: "NET_BIND_SERVICE", reason: "port 443" },
      ]).capabilities,
    ).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
  });

  test("root plus NET_ADMIN for iptables, still not privileged", () => {
    expect(
      containerSecurityContext(NOBODY, [
        { kind: "root", reason: "iptables" },
        { kind: "capability", capability: "NET_ADMIN", reason: "iptables" },
      ]),
    ).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  test("privileged only when named", () => {
    const ctx = containerSecurityContext(NOBODY, [{ kind: "privileged", reason: "tun device" }]);
    expect(ctx).toMatchObject({ privileged: true, allowPrivilegeEscalation: true, runAsUser: 0 });
  });
});

describe("labels", () => {
  test("selector labels cannot be overridden by user labels", () => {
    expect(
      standardLabels("ziti-host", "a", { "app.kubernetes.io/instance": "b", team: "x" }),
    ).toEqual({
      "app.kubernetes.io/component": "ziti-host",
      "app.kubernetes.io/part-of": "zeroport",
      "app.kubernetes.io/managed-by": "zeroport",
      team: "x",
      ...selectorLabels("ziti-host", "a"),
    });
  });
});

describe("namespaces", () => {
  test("a string names an existing namespace; an object may create one", () => {
    expect(NamespaceArgs.parse("apps")).toEqual({ name: "apps", create: false, labels: {} });
    expect(NamespaceArgs.parse(undefined)).toEqual({ name: "default", create: false, labels: {} });
    expect(NamespaceArgs.parse({ name: "apps", create: true })).toEqual({
      name: "apps",
      create: true,
      labels: {},
    });
  });

  test("pod security labels enforce, warn and audit one level", () => {
    expect(podSecurityLabels("baseline")).toEqual({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "baseline",
      "pod-security.kubernetes.io/audit": "baseline",
    });
  });
});

describe("validation errors", () => {
  const schema = z
    .object({
      services: z.array(z.object({ port: z.number().max(10, "too big") })),
      name: z.string(),
    })
    .strict();

  test("formats paths with dots and indexes", () => {
    expect(formatPath(["services", 0, "port"])).toBe("services[0].port");
    expect(formatPath([])).toBe("");
  });

  test("one error lists every field, as InputPropertiesError details and in the message", () => {
    let error: unknown;
    try {
      parseArgs(schema, { services: [{ port: 11 }], extra: 1 }, "Thing t");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pulumi.InputPropertiesError);
    const e = error as ZeroportInputError;
    expect(e.issues).toEqual([
      { path: "services[0].port", reason: "too big" },
      { path: "name", reason: "is required (string)" },
      { path: "extra", reason: "is not a known field; allowed here: services, name" },
    ]);
    expect(e.errors).toEqual(e.issues.map((i) => ({ propertyPath: i.path, reason: i.reason })));
    expect(e.message).toBe(
      "Thing t: invalid input (3 problems):\n" +
        "  - services[0].port: too big\n" +
        "  - name: is required (string)\n" +
        "  - extra: is not a known field; allowed here: services, name",
    );
  });
});
