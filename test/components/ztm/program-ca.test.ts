// ZtmProgramCa: its children as recorded, its provider's create/diff/update, its validation.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { ZtmProgramCa } from "../../../components/ztm/program-ca";
import { caMaterialProvider } from "../../../components/ztm/program-ca-provider";
import type { ZeroportInputError } from "../../../components/core/validation";
import { plainOccurrences, render } from "../../helpers/mocks";
import { certificate, newKey } from "../../../components/ztm/x509";

describe("ZtmProgramCa", () => {
  test("a dynamic resource holds the material; Secrets hold it for the hub and each local permit", async () => {
    const r = await render(() => {
      const ca = new ZtmProgramCa("mesh", {
        namespace: "ztm",
        permits: ["agent-a"],
        elsewhere: ["agent-b"],
      });
      ca.permitSecret("agent-b", "remote-ns", { resourceName: "mesh-agent-b-remote" });
    });
    const material = r.resources.find((x) => x.type === "pulumi-nodejs:dynamic:Resource");
    expect(material?.name).toBe("mesh-material");
    expect(material?.inputs).toMatchObject({
      generator: "zeroport:ztm:CaMaterial",
      caHours: 175_200,
      caRenewBeforeHours: 17_520,
      permitHours: 8_760,
      permitRenewBeforeHours: 2_160,
      permits: ["agent-a", "agent-b"],
    });
    const secrets = r.all("Secret").map((s) => ({
      name: s.metadata.name,
      namespace: s.metadata.namespace,
      type: s.type,
      keys: Object.keys((s as { stringData?: object }).stringData ?? {}).sort(),
    }));
    // In render's order: by namespace, then name.
    expect(secrets).toEqual([
      {
        name: "mesh-agent-b",
        namespace: "remote-ns",
        type: "kubernetes.io/tls",
        keys: ["ca.crt", "tls.crt", "tls.key"],
      },
      {
        name: "mesh-agent-a",
        namespace: "ztm",
        type: "kubernetes.io/tls",
        keys: ["ca.crt", "tls.crt", "tls.key"],
      },
      {
        name: "mesh-ca",
        namespace: "ztm",
        type: "kubernetes.io/tls",
        keys: ["tls.crt", "tls.key"],
      },
    ]);
    // Every value travels as a Pulumi secret.
    for (const name of ["mesh-ca", "mesh-agent-a", "mesh-agent-b-remote"]) {
      const data = r.inputsOf("Secret", name).stringData;
      expect(plainOccurrences(data, "<generated at deploy>")).toEqual([]);
    }
  });

  test("its outputs: notAfter and revisions of what the program makes (shown as generated in render)", async () => {
    let outputs: pulumi.Output<unknown> | undefined;
    await render(() => {
      const ca = new ZtmProgramCa("mesh", { namespace: "ztm" });
      outputs = pulumi.all([ca.caNotAfter, ca.permitNotAfter, ca.permitRevisions]);
      expect([ca.caSecretName, ca.permitSecretNames]).toEqual(["mesh-ca", { agent: "mesh-agent" }]);
    });
    const values = await new Promise((resolve) => outputs?.apply(resolve));
    expect(values).toEqual([
      "<generated at deploy>",
      { agent: "<generated at deploy>" },
      { agent: "<generated at deploy>" },
    ]);
  });

  test("bad lifetimes and names: one error naming every field path", async () => {
    const error = (await render(
      () =>
        new ZtmProgramCa("mesh", {
          permits: ["a", "a"],
          elsewhere: ["b", "Bad_Name"],
          caHours: 100,
          caRenewBeforeHours: 100,
          permitHours: 200,
          permitRenewBeforeHours: 300,
        }),
    ).catch((e: unknown) => e)) as ZeroportInputError;
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "caRenewBeforeHours",
      "elsewhere[1]",
      "permitHours",
      "permitRenewBeforeHours",
      "permits",
    ]);
  });
});

describe("the dynamic provider: what `pulumi up` does with the material", () => {
  const inputs = {
    generator: "zeroport:ztm:CaMaterial",
    caHours: 175_200,
    caRenewBeforeHours: 17_520,
    permitHours: 8_760,
    permitRenewBeforeHours: 2_160,
    permits: ["agent"],
  };
  type Outs = Record<string, unknown> & { caCertificate: string; caKey: string };

  test("create issues it; a later diff with the same inputs is no change", async () => {
    const created = await caMaterialProvider.create(inputs);
    const outs = created.outs as Outs;
    expect(new crypto.X509Certificate(outs.caCertificate).subject).toBe("CN=ca");
    const diff = await caMaterialProvider.diff?.(created.id, outs, inputs);
    expect(diff?.changes).toBe(false);
  });

  test("other lifetimes or a permit inside its renewal window: an update that keeps the CA's key", async () => {
    const outs = (await caMaterialProvider.create(inputs)).outs as Outs;
    const news = { ...inputs, permitHours: 4_380 };
    expect((await caMaterialProvider.diff?.("id", outs, news))?.changes).toBe(true);
    const updated = (await caMaterialProvider.update?.("id", outs, news))?.outs as Outs;
    expect(updated.caKey).toBe(outs.caKey);
    expect(updated.caCertificate).toBe(outs.caCertificate);
    expect(updated.permitCertificates).not.toEqual(outs.permitCertificates);
    // A permit that has only 30 days left (as if issued 335 days ago) is due.
    const dueSoon = { ...outs, permitCertificates: { agent: nearlyExpired(outs) } };
    expect((await caMaterialProvider.diff?.("id", dueSoon, inputs))?.changes).toBe(true);
  });
});

/** A CN=root certificate under the same CA whose notAfter is 30 days away. */
function nearlyExpired(outs: Record<string, unknown>): string {
  const key = crypto.createPrivateKey(outs.caKey as string);
  return certificate({
    subject: "root",
    key: newKey().key,
    issuer: { name: "ca", key },
    notBefore: new Date(Date.now() - 335 * 86_400_000),
    notAfter: new Date(Date.now() + 30 * 86_400_000),
    ca: false,
  });
}
