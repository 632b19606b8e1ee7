// Exemptions and config applied by the judge (policy/judge.ts).
import { exemptionSettings } from "../../policy/config";
import { judge, judgeObject } from "../../policy/judge";
import { noNodePortServices } from "../../policy/rules/no-nodeport-services";
import { service } from "./fixtures";

const ctx = { settings: exemptionSettings({}), now: new Date("2026-12-04T00:00:00Z") };

describe("exemptions", () => {
  const nodePort = service({ type: "NodePort" });

  test("without grants in the config, an annotation with a reason exempts and says grants were not checked", () => {
    const obj = service(
      { type: "NodePort" },
      { annotations: { "zeroport.io/exposure-exception": "legacy VPN, ticket NET-42" } },
    );
    const j = judge(noNodePortServices, obj, {}, ctx);
    expect(j.violations).toEqual([]);
    expect(j.exemptions).toEqual([
      expect.stringMatching(
        /^no-nodeport-services: exempt \(zeroport\.io\/exposure-exception: legacy VPN, ticket NET-42; this config lists no grants, so the cluster's cannot be checked here: admission needs an admin's grant in exposure-exemptions\.grants\): Service shop\/web is of type NodePort/,
      ),
    ]);
  });

  test("an empty reason exempts nothing and says so", () => {
    const obj = service(
      { type: "NodePort" },
      { annotations: { "zeroport.io/exposure-exception": " " } },
    );
    const j = judge(noNodePortServices, obj, {}, ctx);
    expect(j.exemptions).toEqual([]);
    expect(j.violations[0]).toMatch(
      /\(The zeroport\.io\/exposure-exception annotation has no visible text: an exemption needs a reason\.\)$/,
    );
  });

  test("an exempt namespace is reported", () => {
    expect(
      judge(noNodePortServices, nodePort, { exemptNamespaces: ["shop"] }, ctx).exemptions[0],
    ).toMatch(/^no-nodeport-services: exempt \(namespace shop is exempt by configuration\)/);
    expect(
      judge(noNodePortServices, nodePort, { exemptNamespaces: ["other"] }, ctx).violations,
    ).toHaveLength(1);
  });
});

describe("judging one object with config", () => {
  test("levels come from the policy, then all, then the default; exemptions are advisory", () => {
    const obj = service({ type: "NodePort", externalIPs: ["1.2.3.4"] });
    expect(judgeObject(obj, {}).map((v) => `${v.level} ${v.policy}`)).toEqual([
      "mandatory no-nodeport-services",
      "mandatory no-service-external-ips",
      "advisory zero-exposure",
    ]);
    expect(
      judgeObject(obj, {
        all: "advisory",
        "no-nodeport-services": { enforcementLevel: "disabled" },
        "zero-exposure": "mandatory",
        "no-service-external-ips": { allowedExternalIPs: ["1.2.3.4"] },
      }).map((v) => `${v.level} ${v.policy}`),
    ).toEqual(["advisory no-service-external-ips", "mandatory zero-exposure"]);
  });
});
