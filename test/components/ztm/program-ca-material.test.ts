// What ZtmProgramCa issues and when it renews, as pure functions of inputs, old state and time.
import * as crypto from "node:crypto";
import {
  issueMaterial,
  placeholderMaterial,
  renewalReasons,
  type MaterialInputs,
} from "../../../components/ztm/program-ca-material";

const inputs: MaterialInputs = {
  caHours: 175_200,
  caRenewBeforeHours: 17_520,
  permitHours: 8_760,
  permitRenewBeforeHours: 2_160,
  permits: ["agent-a", "agent-b"],
};
const HOUR = 3_600_000;
const t0 = new Date("2026-12-07T00:00:00Z");
const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);
const x509 = (pem: string) => new crypto.X509Certificate(pem);
const spki = (pem: string) => x509(pem).publicKey.export({ type: "spki", format: "der" });
const first = issueMaterial(inputs, t0);

describe("issueMaterial: a new mesh", () => {
  test("a CA of 20 years and 1-year root permits it signed, each with a key of its own", () => {
    expect(first.caNotAfter).toBe("2046-12-02T00:00:00.000Z");
    expect(first.permitNotAfter).toEqual({
      "agent-a": "2027-12-07T00:00:00.000Z",
      "agent-b": "2027-12-07T00:00:00.000Z",
    });
    const ca = x509(first.caCertificate);
    expect([ca.subject, ca.ca]).toEqual(["CN=ca", true]);
    for (const p of inputs.permits) {
      const cert = x509(first.permitCertificates[p] ?? "");
      expect([cert.subject, cert.issuer, cert.verify(ca.publicKey)]).toEqual([
        "CN=root",
        "CN=ca",
        true,
      ]);
      const key = crypto.createPublicKey(first.permitKeys[p] ?? "");
      expect(cert.publicKey.equals(key)).toBe(true);
    }
    expect(first.permitKeys["agent-a"]).not.toBe(first.permitKeys["agent-b"]);
    expect(first.caKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  });
});

describe("renewalReasons and renewal", () => {
  test("nothing to do a day later, nor the day before a permit's window opens", () => {
    expect(renewalReasons(inputs, first, at(24))).toEqual([]);
    expect(renewalReasons(inputs, first, at(8_760 - 2_160 - 24))).toEqual([]);
  });

  test("inside a permit's last 90 days: it is due, and is issued again with a new key under the same CA", () => {
    const now = at(8_760 - 2_000);
    expect(renewalReasons(inputs, first, now)).toEqual([
      "permit agent-a expires 2027-12-07T00:00:00.000Z",
      "permit agent-b expires 2027-12-07T00:00:00.000Z",
    ]);
    const next = issueMaterial(inputs, now, first, inputs);
    expect(next.caCertificate).toBe(first.caCertificate);
    expect(next.caKey).toBe(first.caKey);
    expect(next.permitKeys["agent-a"]).not.toBe(first.permitKeys["agent-a"]);
    expect(next.permitNotAfter["agent-a"]).toBe(
      new Date(now.getTime() + 8_760 * HOUR).toISOString(),
    );
    expect(renewalReasons(inputs, next, now)).toEqual([]);
  });

  test("inside the CA's last 2 years: the CA is signed again for the same key; permits still verify", () => {
    const now = at(175_200 - 17_000);
    expect(
      renewalReasons({ ...inputs, permits: [] }, { ...first, permitCertificates: {} }, now),
    ).toEqual(["the mesh CA certificate expires 2046-12-02T00:00:00.000Z"]);
    const kept = { ...inputs, permitHours: inputs.permitHours };
    const next = issueMaterial(kept, now, first, inputs);
    expect(next.caCertificate).not.toBe(first.caCertificate);
    // The same key: the hub's init step takes this as a renewal, not another CA.
    expect(spki(next.caCertificate)).toEqual(spki(first.caCertificate));
    const renewed = x509(next.caCertificate);
    expect(x509(next.permitCertificates["agent-a"] ?? "").verify(renewed.publicKey)).toBe(true);
  });

  test("a new permit, a dropped permit and other lifetimes each change the material", () => {
    expect(renewalReasons({ ...inputs, permits: ["agent-a", "agent-c"] }, first, at(1))).toEqual([
      "permit agent-c is new",
      "permit agent-b is no longer wanted",
    ]);
    const shorter = { ...inputs, permitHours: 4_380 };
    const next = issueMaterial(shorter, at(1), first, inputs);
    expect(next.permitNotAfter["agent-a"]).toBe(at(1 + 4_380).toISOString());
    expect(next.caCertificate).toBe(first.caCertificate);
  });
});

test("placeholderMaterial: what render shows, with one entry per permit", () => {
  expect(placeholderMaterial(inputs).permitKeys).toEqual({
    "agent-a": "<generated at deploy>",
    "agent-b": "<generated at deploy>",
  });
});
