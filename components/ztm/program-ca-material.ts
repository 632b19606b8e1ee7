/**
 * The mesh CA and permit certificates a Pulumi program keeps in its state (ZtmProgramCa): what
 * to issue, and when to renew, as pure functions of the inputs, the previous state and the time.
 * They run inside a Pulumi dynamic provider, so they use node:crypto only (see x509.ts for why).
 */
import * as crypto from "node:crypto";
import { GENERATED } from "../core/generated";
import { certificate, newKey } from "./x509";

/** Marks the dynamic resource's inputs, so `zeroport render` can show its outputs as generated. */
export const CA_MATERIAL_GENERATOR = "zeroport:ztm:CaMaterial";

export interface MaterialInputs {
  caHours: number;
  caRenewBeforeHours: number;
  permitHours: number;
  permitRenewBeforeHours: number;
  /** Permit names: one CN=root certificate and key each. */
  permits: string[];
}

export interface Material {
  caCertificate: string;
  caKey: string;
  caNotAfter: string;
  permitCertificates: Record<string, string>;
  permitKeys: Record<string, string>;
  permitNotAfter: Record<string, string>;
}

const HOUR = 3_600_000;
const notAfterOf = (pem: string) => new crypto.X509Certificate(pem).validTo;
/** A certificate is due once fewer than `renewBeforeHours` of it are left. */
const due = (pem: string, renewBeforeHours: number, now: Date) =>
  Date.parse(notAfterOf(pem)) - now.getTime() <= renewBeforeHours * HOUR;
const iso = (pem: string) => new Date(notAfterOf(pem)).toISOString();

/**
 * Why the previous material must change for these inputs at this time, or `[]`. The CA's key
 * never changes: a renewal re-signs the same key, which the hub imports as a renewal and under
 * which every permit still verifies (hub-ca-import.ts).
 */
export function renewalReasons(inputs: MaterialInputs, old: Material, now: Date): string[] {
  const reasons: string[] = [];
  if (due(old.caCertificate, inputs.caRenewBeforeHours, now))
    reasons.push(`the mesh CA certificate expires ${iso(old.caCertificate)}`);
  for (const name of inputs.permits) {
    const cert = old.permitCertificates[name];
    if (cert === undefined) reasons.push(`permit ${name} is new`);
    else if (due(cert, inputs.permitRenewBeforeHours, now))
      reasons.push(`permit ${name} expires ${iso(cert)}`);
  }
  for (const name of Object.keys(old.permitCertificates))
    if (!inputs.permits.includes(name)) reasons.push(`permit ${name} is no longer wanted`);
  return reasons;
}

/**
 * The material for `inputs` at `now`: new when there is none, else the old with what is due
 * (or asked for with other lifetimes) issued again. A permit gets a new key each time.
 */
export function issueMaterial(
  inputs: MaterialInputs,
  now: Date,
  old?: Material,
  previous?: MaterialInputs,
): Material {
  const caKey = old ? crypto.createPrivateKey(old.caKey) : undefined;
  const fresh = caKey ? undefined : newKey();
  const key = caKey ?? (fresh as { key: crypto.KeyObject }).key;
  const caChanged =
    !old ||
    due(old.caCertificate, inputs.caRenewBeforeHours, now) ||
    previous?.caHours !== inputs.caHours;
  const caCertificate = caChanged
    ? certificate({
        subject: "ca",
        key,
        issuer: { name: "ca", key },
        notBefore: now,
        notAfter: new Date(now.getTime() + inputs.caHours * HOUR),
        ca: true,
      })
    : old.caCertificate;
  const out: Material = {
    caCertificate,
    caKey: old?.caKey ?? (fresh as { pem: string }).pem,
    caNotAfter: iso(caCertificate),
    permitCertificates: {},
    permitKeys: {},
    permitNotAfter: {},
  };
  for (const name of inputs.permits) {
    let cert = old?.permitCertificates[name];
    let pem = old?.permitKeys[name];
    if (
      cert === undefined ||
      pem === undefined ||
      due(cert, inputs.permitRenewBeforeHours, now) ||
      previous?.permitHours !== inputs.permitHours
    ) {
      const permitKey = newKey();
      pem = permitKey.pem;
      cert = certificate({
        subject: "root",
        key: permitKey.key,
        issuer: { name: "ca", key },
        notBefore: now,
        notAfter: new Date(now.getTime() + inputs.permitHours * HOUR),
        ca: false,
      });
    }
    out.permitCertificates[name] = cert;
    out.permitKeys[name] = pem;
    out.permitNotAfter[name] = iso(cert);
  }
  return out;
}

/** What `zeroport render` shows in place of the material: it is made at deploy time. */
export function placeholderMaterial(inputs: MaterialInputs): Material {
  const each = () => Object.fromEntries(inputs.permits.map((p) => [p, GENERATED]));
  return {
    caCertificate: GENERATED,
    caKey: GENERATED,
    caNotAfter: GENERATED,
    permitCertificates: each(),
    permitKeys: each(),
    permitNotAfter: each(),
  };
}
