import { EDGE_TUNNEL_PROBES, edgeTunnelIdentity } from "../../../components/ziti/edge-tunnel";

const secret = { name: "host-identity", key: "identity.json" };

describe("how a ziti-edge-tunnel container gets its identity", () => {
  test("read-only from the Secret when there is no volume, with nothing to seed", () => {
    const { volumes, mounts, env } = edgeTunnelIdentity(
      { ...secret, contents: "json" },
      undefined,
      3,
    );
    expect(volumes[0]).toEqual({
      name: "identity",
      secret: {
        secretName: "host-identity",
        defaultMode: 0o440,
        items: [{ key: "identity.json", path: "identity.json" }],
      },
    });
    expect(mounts[0]).toEqual({ name: "identity", mountPath: "/ziti-edge-tunnel", readOnly: true });
    expect(env.map((e) => e.name)).toEqual([
      "ZITI_IDENTITY_DIR",
      "ZITI_IDENTITY_BASENAME",
      "ZITI_LOG",
      "ZITI_TIME_FORMAT",
    ]);
  });

  test("a volume is seeded once from the Secret through the entrypoint's ZITI_IDENTITY_JSON", () => {
    const { volumes, mounts, env } = edgeTunnelIdentity({ ...secret, contents: "json" }, "pvc", 4);
    expect(volumes[0]).toEqual({ name: "identity", persistentVolumeClaim: { claimName: "pvc" } });
    expect(mounts[0]).toEqual({ name: "identity", mountPath: "/ziti-edge-tunnel" });
    expect(env).toContainEqual({ name: "ZITI_LOG", value: "4" });
    expect(env).toContainEqual({
      name: "ZITI_IDENTITY_JSON",
      valueFrom: { secretKeyRef: { name: "host-identity", key: "identity.json" } },
    });
  });

  test("a JWT is mounted where the entrypoint enrolls it from, never put in the environment", () => {
    const { volumes, mounts, env } = edgeTunnelIdentity(
      { name: "host-identity", key: "enrollment.jwt", contents: "jwt" },
      "pvc",
      3,
    );
    expect(volumes).toContainEqual({
      name: "enrollment-token",
      secret: {
        secretName: "host-identity",
        defaultMode: 0o440,
        items: [{ key: "enrollment.jwt", path: "identity.jwt" }],
      },
    });
    expect(mounts).toContainEqual({
      name: "enrollment-token",
      mountPath: "/var/run/secrets/netfoundry.io/enrollment-token",
      readOnly: true,
    });
    expect(env.map((e) => e.name)).not.toContain("ZITI_IDENTITY_JSON");
  });

  test("probes ask the command socket: patient at start, then every 30 s", () => {
    expect(EDGE_TUNNEL_PROBES.startupProbe).toMatchObject({
      periodSeconds: 5,
      failureThreshold: 60,
    });
    expect(EDGE_TUNNEL_PROBES.livenessProbe).toMatchObject({
      periodSeconds: 30,
      failureThreshold: 3,
    });
    expect(EDGE_TUNNEL_PROBES.startupProbe.exec.command[2]).toContain("tunnel_status");
  });
});
