/**
 * X.509 certificates for the mesh CA and agent permits, made with Node's own crypto: keys are
 * generated and signatures made by node:crypto; this file only lays out the DER (RFC 5280 4.1).
 *
 * Why not a library: this code runs inside a Pulumi dynamic provider, whose functions are
 * serialised and re-run in another process that resolves packages from the user's project
 * (pnpm, workspaces and plugin packages do not all hoist them); node:crypto is always there.
 * The shape is the one ztm v1.0.4 was recorded accepting from cert-manager
 * (shared/reference/ztm-real-run-2.md b: RSA 2048, CN=ca with CA:TRUE; a CN=root client
 * certificate signed by it), and every certificate made here is read back by node's
 * X509Certificate and OpenSSL in the tests.
 */
import * as crypto from "node:crypto";

/** One DER element: tag, definite length, content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : (() => {
          const bytes: number[] = [];
          for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...c: Buffer[]) => der(0x30, ...c);
/** A non-negative INTEGER from big-endian bytes: leading zeros dropped, a sign byte added. */
function integer(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i += 1;
  const v = bytes.subarray(i);
  return der(0x02, (v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | (groups.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...groups);
  }
  return der(0x06, Buffer.from(out));
}
/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, Zulu. */
function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return at.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(iso.slice(2)))
    : der(0x18, Buffer.from(iso));
}
const name = (cn: string) => seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from(cn)))));
const bits = (b: Buffer) => der(0x03, Buffer.from([0]), b);
/** A KeyUsage / named-bit BIT STRING from bit numbers (0 = the first, most significant bit). */
function namedBits(set: number[]): Buffer {
  const last = Math.max(...set);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const n of set) bytes[Math.floor(n / 8)] |= 0x80 >> (n % 8);
  return der(0x03, Buffer.from([7 - (last % 8)]), bytes);
}
const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));
// A function, not a constant: Pulumi serialises this module by value for the dynamic provider,
// and a Buffer captured as a value does not survive that.
const sha256Rsa = () => seq(oid("1.2.840.113549.1.1.11"), der(0x05));

/** The header length and content length of the DER element at `at`. */
function element(d: Buffer, at: number): { header: number; length: number } {
  const first = d[at + 1] ?? 0;
  if (first < 0x80) return { header: 2, length: first };
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i += 1) length = length * 256 + (d[at + 2 + i] ?? 0);
  return { header: 2 + (first & 0x7f), length };
}

/** The key identifier of RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey bits. */
function keyId(key: crypto.KeyObject): Buffer {
  const spki = crypto.createPublicKey(key).export({ type: "spki", format: "der" });
  const outer = element(spki, 0);
  const algorithm = element(spki, outer.header);
  const at = outer.header + algorithm.header + algorithm.length;
  const bitString = element(spki, at);
  // Past the BIT STRING's header and its unused-bits byte.
  const start = at + bitString.header + 1;
  return crypto
    .createHash("sha1")
    .update(spki.subarray(start, at + bitString.header + bitString.length))
    .digest();
}

export interface CertificateRequest {
  subject: string;
  /** The certificate's own public key (or private key, whose public half is used). */
  key: crypto.KeyObject;
  issuer: { name: string; key: crypto.KeyObject };
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (CA:TRUE, keyCertSign) or a client certificate (clientAuth). */
  ca: boolean;
}

/** A signed certificate, as PEM. */
export function certificate(r: CertificateRequest): string {
  const spki = crypto.createPublicKey(r.key).export({ type: "spki", format: "der" });
  const issuerId = keyId(r.issuer.key);
  const extensions = r.ca
    ? [
        extension("2.5.29.19", true, seq(der(0x01, Buffer.from([0xff])))),
        extension("2.5.29.15", true, namedBits([0, 5, 6])),
        extension("2.5.29.14", false, der(0x04, keyId(r.key))),
      ]
    : [
        extension("2.5.29.19", true, seq()),
        extension("2.5.29.15", true, namedBits([0, 2])),
        extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))),
        extension("2.5.29.35", false, seq(der(0x80, issuerId))),
      ];
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    sha256Rsa(),
    name(r.issuer.name),
    seq(time(r.notBefore), time(r.notAfter)),
    name(r.subject),
    spki,
    der(0xa3, seq(...extensions)),
  );
  const signature = crypto.sign("sha256", tbs, r.issuer.key);
  const cert = seq(tbs, sha256Rsa(), bits(signature));
  const b64 = cert.toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

/** A new RSA 2048 key, as cert-manager and ztm make them; PEM is PKCS#1, cert-manager's default. */
export function newKey(): { key: crypto.KeyObject; pem: string } {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { key: privateKey, pem: privateKey.export({ type: "pkcs1", format: "pem" }).toString() };
}
