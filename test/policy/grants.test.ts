// Grants: which objects a grant covers (the object it names, never through owners), expiry,
// and what counts as visible text in a reason.
import * as fc from "fast-check";
import {
  GrantSchema,
  grantCovers,
  grantExpired,
  hasVisibleText,
  type Grant,
} from "../../policy/grants";
import type { KubeObject } from "../../policy/model";

const grant = (over: Partial<Grant> = {}): Grant => ({
  namespace: "monitoring",
  kind: "DaemonSet",
  name: "node-exporter",
  policies: ["no-host-ports"],
  reason: "metrics",
  owner: "team-obs",
  expires: "2027-03-01",
  ...over,
});

function pod(
  owner: { kind: string; name: string; controller?: boolean },
  labels: Record<string, string> = {},
  namespace = "monitoring",
): KubeObject {
  return {
    kind: "Pod",
    metadata: {
      name: "x-1",
      namespace,
      labels,
      ownerReferences: [{ controller: true, ...owner }],
    } as KubeObject["metadata"],
  };
}

describe("grantCovers", () => {
  test("the workload itself, in its namespace only", () => {
    const ds = { kind: "DaemonSet", metadata: { name: "node-exporter", namespace: "monitoring" } };
    expect(grantCovers(grant(), ds)).toBe(true);
    expect(grantCovers(grant(), { ...ds, metadata: { ...ds.metadata, namespace: "other" } })).toBe(
      false,
    );
    expect(grantCovers(grant(), { ...ds, kind: "Deployment" })).toBe(false);
  });

  test("never through owner references: the writer of an object writes them", () => {
    // What a tenant writes to borrow a grant (issue 27): the granted DaemonSet as controller, the
    // Deployment's ReplicaSet by its hash, a CronJob's Job by its number; none of them counts.
    expect(grantCovers(grant(), pod({ kind: "DaemonSet", name: "node-exporter" }))).toBe(false);
    const gw = grant({ kind: "Deployment", name: "gw" });
    expect(
      grantCovers(
        gw,
        pod({ kind: "ReplicaSet", name: "gw-7d9f" }, { "pod-template-hash": "7d9f" }),
      ),
    ).toBe(false);
    expect(
      grantCovers(gw, {
        kind: "ReplicaSet",
        metadata: {
          name: "gw-7d9f",
          namespace: "monitoring",
          ownerReferences: [{ kind: "Deployment", name: "gw", controller: true }],
        } as KubeObject["metadata"],
      }),
    ).toBe(false);
    const cron = grant({ kind: "CronJob", name: "probe" });
    expect(grantCovers(cron, pod({ kind: "Job", name: "probe-29012345" }))).toBe(false);
  });
});

test("a grant stops counting at 00:00 UTC on its day", () => {
  expect(grantExpired(grant(), new Date("2027-02-28T23:59:59Z"))).toBe(false);
  expect(grantExpired(grant(), new Date("2027-03-01T00:00:00Z"))).toBe(true);
});

test("a grant's dates are real days", () => {
  const days = (expires: string) => GrantSchema.safeParse(grant({ expires })).success;
  expect(days("2028-02-29")).toBe(true);
  expect(days("2027-02-29")).toBe(false);
  expect(days("2027-13-01")).toBe(false);
  expect(days("27-03-01")).toBe(false);
});

describe("visible text", () => {
  test("letters, digits, punctuation and symbols count; spaces, controls and zero-width do not", () => {
    for (const s of ["a", "7", "-", "€", "\u{1F600}", " x "]) expect(hasVisibleText(s)).toBe(true);
    for (const s of ["", " ", "\t\n", "\u00a0", "\u0085", "\u200b", "\ufeff", "\u2028", "\u0301"])
      expect(hasVisibleText(s)).toBe(false);
  });

  test("text with a visible character stays visible whatever surrounds it", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("a", "7", "!", "€"), fc.string(), (a, v, b) =>
        hasVisibleText(a + v + b),
      ),
    );
  });
});
