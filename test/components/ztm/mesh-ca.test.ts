import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ASSEMBLE_PERMIT, ZtmAgent } from "../../../components/ztm/agent";
import { ZtmMeshCa } from "../../../components/ztm/mesh-ca";
import { permitProblems } from "../../../components/ztm/permit";
import type { ZeroportInputError } from "../../../components/core/validation";
import { podSpecOf, render } from "../../helpers/mocks";

describe("ZtmMeshCa", () => {
  test("issues the CA (CN=ca) and the root certificate with cert-manager", async () => {
    const r = await render(() => new ZtmMeshCa("mesh", { namespace: "ztm" }));
    const crs = r.resources
      .filter((x) => x.inputs.apiVersion === "cert-manager.io/v1")
      .map((x) => x.inputs);
    expect(
      crs.map((c) => `${String(c.kind)}/${String((c.metadata as { name: string }).name)}`),
    ).toEqual([
      "Issuer/mesh-selfsigned",
      "Certificate/mesh-ca",
      "Issuer/mesh-ca-issuer",
      "Certificate/mesh-root",
    ]);
    expect(crs[1]?.spec).toEqual({
      isCA: true,
      commonName: "ca",
      secretName: "mesh-ca",
      privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Never" },
      duration: "87600h",
      renewBefore: "8760h",
      issuerRef: { kind: "Issuer", name: "mesh-selfsigned", group: "cert-manager.io" },
    });
    expect(crs[3]?.spec).toMatchObject({
      commonName: "root",
      secretName: "mesh-root",
      issuerRef: { kind: "Issuer", name: "mesh-ca-issuer" },
    });
  });

  test("installs cert-manager when asked, and signs with an existing issuer", async () => {
    const r = await render(
      () => new ZtmMeshCa("mesh", { installCertManager: true, issuer: { name: "corp-ca" } }),
    );
    expect(r.resources.map((x) => x.type)).toContain("kubernetes-cert-manager:index:CertManager");
    const ca = r.resources.find(
      (x) => (x.inputs.metadata as { name?: string } | undefined)?.name === "mesh-ca",
    );
    expect((ca?.inputs.spec as { issuerRef: unknown }).issuerRef).toEqual({
      kind: "ClusterIssuer",
      name: "corp-ca",
      group: "cert-manager.io",
    });
  });

  test("refuses non-root users, saying why", async () => {
    const error = (await render(() => new ZtmMeshCa("mesh", { users: ["root", "alice"] })).catch(
      (e: unknown) => e,
    )) as ZeroportInputError;
    expect(error.issues).toEqual([
      {
        path: "users[1]",
        reason:
          "must be `root`: a ZTM agent uses a permit's private key only for the root user, and signs every other user's certificate request with the key in its own database, so a key issued here would be ignored",
      },
    ]);
  });
});

describe("an agent permit from a certificate Secret", () => {
  test("is assembled in memory by an init container", async () => {
    const r = await render(
      () =>
        new ZtmAgent("agent", {
          mesh: "mcs",
          endpoint: "a",
          permit: {
            fromCertificate: { secretName: "mesh-root", bootstraps: ["hub.example.com:8888"] },
          },
        }),
    );
    expect(r.all("Secret")).toEqual([]);
    const pod = podSpecOf(r.one("Deployment"));
    expect(pod.initContainers).toEqual([
      expect.objectContaining({
        name: "assemble-permit",
        command: ASSEMBLE_PERMIT,
        env: [{ name: "ZTM_BOOTSTRAPS", value: '["hub.example.com:8888"]' }],
      }),
    ]);
    expect(pod.volumes).toContainEqual({
      name: "permit",
      emptyDir: { medium: "Memory", sizeLimit: "1Mi" },
    });
    expect(pod.volumes).toContainEqual({
      name: "cert",
      secret: { secretName: "mesh-root", defaultMode: 0o440 },
    });
  });

  test("the assembly script writes a root permit", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "permit-"));
    const pem = (k: string) => `-----BEGIN ${k}-----\nMIIB\n-----END ${k}-----\n`;
    fs.mkdirSync(path.join(dir, "cert"));
    fs.mkdirSync(path.join(dir, "permit"));
    fs.writeFileSync(path.join(dir, "cert", "ca.crt"), pem("CERTIFICATE"));
    fs.writeFileSync(path.join(dir, "cert", "tls.crt"), pem("CERTIFICATE"));
    fs.writeFileSync(path.join(dir, "cert", "tls.key"), pem("RSA PRIVATE KEY"));
    const script = (ASSEMBLE_PERMIT[2] ?? "")
      .replaceAll('"/cert/"', JSON.stringify(`${dir}/cert/`))
      .replaceAll('"/permit/permit.json"', JSON.stringify(`${dir}/permit/permit.json`));
    const r = spawnSync(process.execPath, ["-e", script], {
      env: { ...process.env, ZTM_BOOTSTRAPS: '["hub.example.com:8888"]' },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const permit = fs.readFileSync(path.join(dir, "permit", "permit.json"), "utf8");
    expect(permitProblems(permit)).toEqual([]);
    expect(JSON.parse(permit)).toEqual({
      ca: pem("CERTIFICATE"),
      agent: { certificate: pem("CERTIFICATE"), privateKey: pem("RSA PRIVATE KEY") },
      bootstraps: ["hub.example.com:8888"],
    });
  });
});
