// Replays what a real ztm v1.0.4 did with ZtmProgramCa's certificates, the rendered hub, agents
// and reconciler (test/fixtures/ztm-program-ca/README.md), against what zeroport makes today.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { issueMaterial } from "../../../components/ztm/program-ca-material";
import { admissionProblem } from "../../../components/ztm/reconciler-checks";
import recorded from "../../fixtures/ztm-program-ca/recorded.json";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ztm-program-ca-"));
/** What OpenSSL says of a certificate, without what differs between any two (keys, dates, serials). */
function shape(pem: string): string[] {
  const file = path.join(dir, `${Math.random()}.pem`);
  fs.writeFileSync(file, pem);
  const text = execFileSync("openssl", ["x509", "-noout", "-text", "-in", file], {
    encoding: "utf8",
  });
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) =>
      /^(Version|Signature Algorithm|Issuer|Subject|Public-Key|X509v3|CA:|TLS Web|Digital|Certificate Sign)/.test(
        l,
      ),
    );
}

const today = issueMaterial(
  {
    caHours: 175_200,
    caRenewBeforeHours: 17_520,
    permitHours: 8_760,
    permitRenewBeforeHours: 2_160,
    permits: ["a"],
  },
  new Date(),
);

test("the recording covers every point, and each held against the real ztm", () => {
  const names = recorded.checks.map((c) => c.name.split(" ")[0]);
  expect([...new Set(names)]).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  expect(recorded.checks.filter((c) => !c.ok)).toEqual([]);
  expect(recorded.renewedCaSameKey).toBe(true);
});

test("the CA and permit zeroport makes today have the shape of those ztm accepted", () => {
  expect(shape(today.caCertificate)).toEqual(shape(recorded.material.caCertificate));
  expect(shape(today.permitCertificates.a ?? "")).toEqual(
    shape(recorded.material.permitCertificate),
  );
  // The recorded CA lives 20 years, the permit one.
  const years = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / (365.25 * 86_400_000);
  expect(Math.round(years(recorded.recorded.slice(0, 10), recorded.material.caNotAfter))).toBe(20);
  expect(Math.round(years(recorded.recorded.slice(0, 10), recorded.material.permitNotAfter))).toBe(
    1,
  );
});

test("the refused agent's log line is the one the reconciler writes today", () => {
  const refused = recorded.checks.find((c) => c.name.startsWith("7 "));
  const id = /endpoint ep-c \(([0-9a-f-]+)\)/.exec(refused?.detail ?? "")?.[1] ?? "";
  const today = admissionProblem("pm", { id, name: "ep-c" }, []) ?? "";
  expect(refused?.detail).toContain(`not yet: ${today.slice(0, 250)}`);
});
