// ZitiHost input validation: every bad field in one error, nothing created.
import * as pulumi from "@pulumi/pulumi";
import { ZeroportInputError } from "../../../components/core/validation";
import { DEFAULT_RESOURCES, ZitiHostArgsSchema } from "../../../components/ziti/ziti-host";
import { jwt } from "../../helpers/fixtures";
import { plainOccurrences, podSpecOf } from "../../helpers/mocks";
import { LABELS, host } from "./ziti-host-fixtures";

describe("ZitiHost inputs", () => {
  test("documents its defaults in the schema", () => {
    const parsed = ZitiHostArgsSchema.parse({ identity: { jwt: jwt() } });
    expect(parsed).toMatchObject({
      namespace: { name: "default", create: false },
      image: "docker.io/openziti/ziti-host:1.18.7",
      imagePullPolicy: "IfNotPresent",
      replicas: 1,
      persistence: { size: "100Mi" },
      logLevel: 3,
      resources: DEFAULT_RESOURCES,
    });
  });

  test("refuses more than one replica and says why", async () => {
    await expect(host({ identity: { jwt: jwt() }, replicas: 2 })).rejects.toThrow(
      /replicas: must be 0 or 1: one Ziti identity belongs in one pod/,
    );
  });

  test("reports every bad field at once and creates no Kubernetes object", async () => {
    let error: unknown;
    const recorded: string[] = [];
    try {
      const r = await host({
        namespace: "Bad_NS",
        identity: { jwt: "not-a-jwt" },
        image: "openziti/ziti-host:latest",
        logLevel: 9,
      });
      recorded.push(...r.manifests.map((m) => m.kind));
    } catch (e) {
      error = e;
    }
    expect(recorded).toEqual([]);
    expect(error).toBeInstanceOf(ZeroportInputError);
    expect(error).toBeInstanceOf(pulumi.InputPropertiesError);
    const issues = (error as ZeroportInputError).issues.map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining(["namespace", "identity.jwt", "image", "logLevel"]),
    );
    expect((error as Error).message).toContain("ZitiHost web: invalid input");
    expect((error as Error).message).toContain(
      "identity.jwt: must be a JWT: three non-empty base64url segments separated by '.'",
    );
  });

  test("rejects a router token with the reason", async () => {
    await expect(host({ identity: { jwt: jwt({ em: "erott" }) } })).rejects.toThrow(
      "identity.jwt: is an enrollment token for an edge router; this component needs one with method `ott`",
    );
  });

  test("accepts an Output identity and keeps it secret", async () => {
    const token = jwt({ jti: "from-config" });
    const r = await host({ identity: { jwt: pulumi.secret(token) } });
    expect(r.inputsOf("Secret", "web-identity").stringData).toEqual({
      __pulumiSecret: true,
      value: { "enrollment.jwt": token },
    });
    expect(plainOccurrences(r.resources, token)).toEqual([]);
  });

  test("overrides image, storage class, node selector and labels", async () => {
    const r = await host({
      identity: { jwt: jwt() },
      image: "registry.internal/ziti-host:1.18.7",
      persistence: { size: "1Gi", storageClassName: "fast" },
      nodeSelector: { "kubernetes.io/os": "linux" },
      labels: { team: "net", "app.kubernetes.io/name": "overridden" },
      podAnnotations: { "example.com/note": "x" },
    });
    const deployment = r.one("Deployment");
    expect(deployment.metadata.labels).toMatchObject({
      team: "net",
      "app.kubernetes.io/name": "ziti-host",
    });
    const pod = podSpecOf(deployment);
    expect(pod.nodeSelector).toEqual({ "kubernetes.io/os": "linux" });
    expect((pod.containers as { image: string }[])[0]?.image).toBe(
      "registry.internal/ziti-host:1.18.7",
    );
    expect(r.one("PersistentVolumeClaim").spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
      storageClassName: "fast",
    });
    expect((deployment.spec as { template: { metadata: unknown } }).template.metadata).toEqual({
      labels: { ...LABELS, team: "net" },
      annotations: { "example.com/note": "x" },
    });
  });
});
