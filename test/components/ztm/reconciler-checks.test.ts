// The agent's self-checks the reconciler ships into the pod, called directly.
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { admissionProblem, expiryWarnings } from "../../../components/ztm/reconciler-checks";

const PEM = fs.readFileSync(path.join(__dirname, "../../fixtures/ztm-ca/a1.pem"), "utf8");
const NOT_AFTER = Date.parse("2036-12-04T21:34:17Z");
const validTo = (pem: string) => new X509Certificate(pem).validTo;
const DAY = 86_400_000;

describe("admissionProblem", () => {
  const self = { id: "bf071f65-354d-4b54-93bc-8300944134d7", name: "ep-a" };
  test("listed by the hub: a member", () => {
    expect(admissionProblem("m1", self, [{ id: self.id, name: "ep-a" }])).toBeUndefined();
  });
  test("not listed (what the hub answers past --max-agents, `[]`): refused, naming maxAgents", () => {
    expect(admissionProblem("m1", self, [])).toMatch(
      /^this agent, endpoint ep-a \(bf071f65-.*\), says it is connected to mesh m1, but the hub does not list it: .*--max-agents agents \(ZtmHub maxAgents, 100 unless raised\) and answers the next one 429 Too many agents/,
    );
  });
  test("another endpoint of the same name is not this agent", () => {
    expect(admissionProblem("m1", self, [{ id: "other", name: "ep-a" }])).toBeDefined();
  });
});

describe("expiryWarnings", () => {
  const info = { ca: PEM, agent: { certificate: PEM, username: "root" } };
  test("nothing while both certificates are outside the warning window", () => {
    expect(expiryWarnings(info, NOT_AFTER - 31 * DAY, 30 * DAY, validTo)).toEqual([]);
  });
  test("inside the window: one warning per certificate, with the date and days left", () => {
    expect(expiryWarnings(info, NOT_AFTER - 10 * DAY - 1000, 30 * DAY, validTo)).toEqual([
      expect.stringMatching(
        /^WARNING: the agent's permit certificate \(user root\) expires at 2036-12-04T21:34:17.000Z, in 10 day\(s\)/,
      ),
      expect.stringMatching(
        /^WARNING: the mesh CA certificate expires at 2036-12-04T21:34:17.000Z/,
      ),
    ]);
  });
  test("past notAfter: EXPIRED, saying what to do", () => {
    expect(expiryWarnings(info, NOT_AFTER + DAY, 30 * DAY, validTo)[0]).toMatch(
      /^EXPIRED: the agent's permit certificate \(user root\) expired at 2036-12-04T21:34:17.000Z: .*pulumi up renews ZtmProgramCa's/,
    );
  });
  test("what cannot be read (the recording's elided PEM, no field) is skipped, not a crash", () => {
    const elided = "-----BEGIN CERTIFICATE-----\u2026-----END CERTIFICATE-----\n";
    expect(expiryWarnings({ ca: elided, agent: {} }, NOT_AFTER, DAY, validTo)).toEqual([]);
  });
});
