/**
 * What every ziti-edge-tunnel container zeroport renders (ZitiHost, NodeProxyDaemonset) shares:
 * the image's identity directory and how the identity reaches it, the entrypoint's environment,
 * and probes on the tunneler's command socket (docs/upstream.md U6, U7).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { ENROLLMENT_TOKEN_DIR, type IdentitySecretRef } from "../core/identity";
import { TUNNEL_STATUS_PROBE } from "../core/probes";

/** The image's identity directory (`ZITI_IDENTITY_DIR` default) and the file basename zeroport uses. */
export const IDENTITY_DIR = "/ziti-edge-tunnel";
export const IDENTITY_BASENAME = "identity";

/**
 * The identity's volumes, mounts and entrypoint environment: a persistent volume (writable, so
 * renewed certificates survive) or the Secret read-only; a JWT for the entrypoint to enroll.
 */
export function edgeTunnelIdentity(
  identity: { name: pulumi.Input<string> } & Pick<IdentitySecretRef, "key" | "contents">,
  volumeClaimName: pulumi.Input<string> | undefined,
  logLevel: number,
) {
  const writable = volumeClaimName !== undefined;
  const volumes: k8s.types.input.core.v1.Volume[] = [
    writable
      ? { name: "identity", persistentVolumeClaim: { claimName: volumeClaimName } }
      : {
          name: "identity",
          secret: {
            secretName: identity.name,
            defaultMode: 0o440,
            items: [{ key: identity.key, path: `${IDENTITY_BASENAME}.json` }],
          },
        },
    // The IPC socket the probes use lives in /tmp; the root filesystem is read-only.
    { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
  ];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [
    // `readOnly: false` is the default, which the API server drops: only say it when true.
    { name: "identity", mountPath: IDENTITY_DIR, ...(writable ? {} : { readOnly: true }) },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: "ZITI_IDENTITY_DIR", value: IDENTITY_DIR },
    { name: "ZITI_IDENTITY_BASENAME", value: IDENTITY_BASENAME },
    { name: "ZITI_LOG", value: String(logLevel) },
    { name: "ZITI_TIME_FORMAT", value: "utc" },
  ];
  if (identity.contents === "jwt") {
    // The entrypoint enrolls `<basename>.jwt` from this directory into the volume, once.
    volumes.push({
      name: "enrollment-token",
      secret: {
        secretName: identity.name,
        defaultMode: 0o440,
        items: [{ key: identity.key, path: `${IDENTITY_BASENAME}.jwt` }],
      },
    });
    mounts.push({ name: "enrollment-token", mountPath: ENROLLMENT_TOKEN_DIR, readOnly: true });
  } else if (writable) {
    // The entrypoint writes this into the volume only when no identity is there yet, so renewed
    // certificates are never overwritten by the original.
    env.push({
      name: "ZITI_IDENTITY_JSON",
      valueFrom: { secretKeyRef: { name: identity.name, key: identity.key } },
    });
  }
  return { volumes, mounts, env };
}

const probe = { exec: { command: TUNNEL_STATUS_PROBE }, timeoutSeconds: 10 };

/** Enrollment and the first controller session may take a while; after that, check often. */
export const EDGE_TUNNEL_PROBES = {
  startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 60 },
  livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 3 },
};
