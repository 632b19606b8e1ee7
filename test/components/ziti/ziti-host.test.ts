import { DEFAULT_RESOURCES, TUNNEL_STATUS_PROBE } from "../../../components/ziti/ziti-host";
import { RESTRICTED_NOBODY_CONTAINER } from "../../helpers/expectations";
import { identityJson, jwt } from "../../helpers/fixtures";
import { plainOccurrences, podSpecOf } from "../../helpers/mocks";
import { LABELS, host } from "./ziti-host-fixtures";
import { allSchemaProblems } from "../../helpers/schema";

describe("ZitiHost with an enrollment JWT", () => {
  const token = jwt();
  let r: Awaited<ReturnType<typeof host>>;
  beforeAll(async () => {
    r = await host({ namespace: "apps", identity: { jwt: token } });
  });

  test("creates exactly a ServiceAccount, a Secret, a volume claim and a Deployment", () => {
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      "ServiceAccount/apps/web",
      "Secret/apps/web-identity",
      "PersistentVolumeClaim/apps/web-identity-state",
      "Deployment/apps/web",
    ]);
  });

  test("puts the token in the Secret as a Pulumi secret and nowhere else", () => {
    const secret = r.inputsOf("Secret", "web-identity");
    expect(secret.stringData).toEqual({ __pulumiSecret: true, value: { "enrollment.jwt": token } });
    expect(r.one("Secret").stringData).toEqual({ "enrollment.jwt": "<redacted>" });
    expect(plainOccurrences(r.resources, token)).toEqual([]);
  });

  test("mounts the token where the entrypoint enrolls it from, and a writable identity volume", () => {
    const pod = podSpecOf(r.one("Deployment"));
    expect(pod.volumes).toEqual([
      { name: "identity", persistentVolumeClaim: { claimName: "web-identity-state" } },
      { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
      {
        name: "enrollment-token",
        secret: {
          secretName: "web-identity",
          defaultMode: 0o440,
          items: [{ key: "enrollment.jwt", path: "identity.jwt" }],
        },
      },
    ]);
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container?.volumeMounts).toEqual([
      { name: "identity", mountPath: "/ziti-edge-tunnel" },
      { name: "tmp", mountPath: "/tmp" },
      {
        name: "enrollment-token",
        mountPath: "/var/run/secrets/netfoundry.io/enrollment-token",
        readOnly: true,
      },
    ]);
    expect(container?.env).toEqual([
      { name: "ZITI_IDENTITY_DIR", value: "/ziti-edge-tunnel" },
      { name: "ZITI_IDENTITY_BASENAME", value: "identity" },
      { name: "ZITI_LOG", value: "3" },
      { name: "ZITI_TIME_FORMAT", value: "utc" },
    ]);
  });

  test("runs run-host as nobody with the restricted profile, no ports and probes that can fail", () => {
    const deployment = r.one("Deployment");
    expect(deployment.metadata.labels).toEqual(LABELS);
    expect(deployment.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "Recreate" },
      selector: {
        matchLabels: { "app.kubernetes.io/name": "ziti-host", "app.kubernetes.io/instance": "web" },
      },
    });
    const pod = podSpecOf(deployment);
    // nobody:ziti, as docker/ziti-host.Dockerfile's `USER nobody:ziti`: ziti-edge-tunnel setgid()s
    // to ziti (2171) before it creates the command socket that tunnel_status (the probes) needs.
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 2171,
      fsGroup: 2171,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe("web");
    expect(pod.hostNetwork).toBeUndefined();
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container).toMatchObject({
      name: "ziti-host",
      image: "docker.io/openziti/ziti-host:1.18.7",
      args: ["run-host"],
      securityContext: { ...RESTRICTED_NOBODY_CONTAINER, runAsGroup: 2171 },
      resources: DEFAULT_RESOURCES,
      livenessProbe: {
        exec: { command: TUNNEL_STATUS_PROBE },
        periodSeconds: 30,
        timeoutSeconds: 10,
        failureThreshold: 3,
      },
      startupProbe: {
        exec: { command: TUNNEL_STATUS_PROBE },
        periodSeconds: 5,
        timeoutSeconds: 10,
        failureThreshold: 60,
      },
    });
    expect(container?.ports).toBeUndefined();
    expect(TUNNEL_STATUS_PROBE[2]).toContain("jq -e");
  });

  test("asks for a ReadWriteOnce identity volume of the default size", () => {
    expect(r.one("PersistentVolumeClaim").spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "100Mi" } },
    });
  });

  test("creates no Service, Ingress or other exposure", () => {
    expect(r.manifests.filter((m) => ["Service", "Ingress"].includes(m.kind))).toEqual([]);
  });

  test("renders objects valid against the Kubernetes schema", () => {
    expect(allSchemaProblems(r.manifests)).toEqual([]);
  });
});

describe("ZitiHost with an enrolled identity JSON", () => {
  const doc = identityJson();
  test("seeds the volume from the Secret through secretKeyRef, never inline", async () => {
    const r = await host({ namespace: { name: "edge", create: true }, identity: { json: doc } });
    expect(r.one("Namespace").metadata.labels).toEqual({
      ...{ ...LABELS },
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    const [container] = podSpecOf(r.one("Deployment")).containers as Record<string, unknown>[];
    expect(container?.env).toContainEqual({
      name: "ZITI_IDENTITY_JSON",
      valueFrom: { secretKeyRef: { name: "web-identity", key: "identity.json" } },
    });
    expect(r.one("Secret").stringData).toEqual({ "identity.json": "<redacted>" });
    expect(plainOccurrences(r.resources, "SECRETKEYMATERIAL")).toEqual([]);
    expect(allSchemaProblems(r.manifests)).toEqual([]);
  });
});

describe("ZitiHost with an existing Secret", () => {
  test("mounts an enrolled identity read-only and creates neither Secret nor volume", async () => {
    const r = await host({
      namespace: "apps",
      identity: { existingSecret: { name: "my-id", key: "tunnel.json" } },
    });
    expect(r.manifests.map((m) => m.kind)).toEqual(["ServiceAccount", "Deployment"]);
    const pod = podSpecOf(r.one("Deployment"));
    expect(pod.volumes).toEqual([
      {
        name: "identity",
        secret: {
          secretName: "my-id",
          defaultMode: 0o440,
          items: [{ key: "tunnel.json", path: "identity.json" }],
        },
      },
      { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
    ]);
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container?.volumeMounts).toContainEqual({
      name: "identity",
      mountPath: "/ziti-edge-tunnel",
      readOnly: true,
    });
    expect(JSON.stringify(container?.env)).not.toContain("ZITI_IDENTITY_JSON");
  });

  test("enrolls a JWT from an existing Secret into a created volume", async () => {
    const r = await host({ identity: { existingSecret: { name: "tok", contents: "jwt" } } });
    expect(r.manifests.map((m) => m.kind)).toEqual([
      "ServiceAccount",
      "PersistentVolumeClaim",
      "Deployment",
    ]);
    expect(r.one("Deployment").metadata.namespace).toBe("default");
    expect(podSpecOf(r.one("Deployment")).volumes).toContainEqual({
      name: "enrollment-token",
      secret: {
        secretName: "tok",
        defaultMode: 0o440,
        items: [{ key: "enrollment.jwt", path: "identity.jwt" }],
      },
    });
  });
});
