// Certificates made by components/ztm/x509.ts, read back by node's X509Certificate and by OpenSSL.
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { certificate, newKey } from "../../../components/ztm/x509";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-x509-"));
const ca = newKey();
const leaf = newKey();
const notBefore = new Date("2026-12-07T00:00:00Z");
const caPem = certificate({
  subject: "ca",
  key: ca.key,
  issuer: { name: "ca", key: ca.key },
  notBefore,
  notAfter: new Date("2056-12-07T00:00:00Z"),
  ca: true,
});
const leafPem = certificate({
  subject: "root",
  key: leaf.key,
  issuer: { name: "ca", key: ca.key },
  notBefore,
  notAfter: new Date("2027-12-07T00:00:00Z"),
  ca: false,
});
const file = (n: string, text: string) => {
  fs.writeFileSync(path.join(dir, n), text);
  return path.join(dir, n);
};
const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });

describe("x509: the mesh CA and a permit certificate", () => {
  test("node reads them: subjects, dates (GeneralizedTime past 2049), CA flag, issuer signature", () => {
    const c = new crypto.X509Certificate(caPem);
    const l = new crypto.X509Certificate(leafPem);
    expect([c.subject, c.issuer, l.subject, l.issuer]).toEqual([
      "CN=ca",
      "CN=ca",
      "CN=root",
      "CN=ca",
    ]);
    expect(new Date(c.validTo).toISOString()).toBe("2056-12-07T00:00:00.000Z");
    expect(new Date(l.validTo).toISOString()).toBe("2027-12-07T00:00:00.000Z");
    expect([c.ca, l.ca]).toEqual([true, false]);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(l.verify(c.publicKey)).toBe(true);
    expect(l.checkIssued(c)).toBe(true);
    expect(l.publicKey.export({ type: "spki", format: "der" })).toEqual(
      crypto.createPublicKey(leaf.key).export({ type: "spki", format: "der" }),
    );
  });

  test("OpenSSL verifies the chain for client auth, at a time inside both validities", () => {
    const out = openssl(
      "verify",
      "-x509_strict",
      "-purpose",
      "sslclient",
      "-attime",
      String(Date.parse("2027-06-01T00:00:00Z") / 1000),
      "-CAfile",
      file("ca.pem", caPem),
      file("leaf.pem", leafPem),
    );
    expect(out.trim()).toBe(`${path.join(dir, "leaf.pem")}: OK`);
  });

  test("OpenSSL reads the extensions cert-manager gives the same certificates", () => {
    const text = (p: string) => openssl("x509", "-noout", "-text", "-in", p);
    const c = text(file("ca.pem", caPem));
    expect(c).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(c).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(c).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(c).toContain("Public-Key: (2048 bit)");
    const l = text(file("leaf.pem", leafPem));
    expect(l).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(l).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(l).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication/);
    // The leaf's authority key id is the CA's subject key id.
    const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(c)?.[1];
    expect(ski).toBeDefined();
    expect(l).toContain(ski ?? "none");
  });

  test("the key PEM is PKCS#1 (cert-manager's default) and belongs to the certificate", () => {
    expect(ca.pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const fromPem = crypto.createPublicKey(crypto.createPrivateKey(ca.pem));
    expect(new crypto.X509Certificate(caPem).publicKey.equals(fromPem)).toBe(true);
  });

  test("serials are positive and differ between certificates", () => {
    const serial = (pem: string) => new crypto.X509Certificate(pem).serialNumber;
    expect(serial(caPem)).not.toBe(serial(leafPem));
    expect(Number.parseInt(serial(caPem).slice(0, 2), 16)).toBeLessThan(0x80);
  });
});
