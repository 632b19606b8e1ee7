import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { IMAGES, ImageRef } from "../core/images";
import { zitiIdentityArgs, type IdentitySecretRef } from "../core/identity";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { Annotations, DnsLabel, DnsSubdomain, Labels, Resources } from "../core/schemas";
import {
  NOBODY_ZITI,
  ZITI_GROUP,
  containerSecurityContext,
  restrictedPodSecurityContext,
} from "../core/security";
import { parseArgs } from "../core/validation";
import { scaffold, scaffoldIdentity } from "../core/scaffold";
import { singlePodDeployment } from "../core/workload";
import { persistenceArgs, persistentClaim } from "../core/storage";
import { EDGE_TUNNEL_PROBES, edgeTunnelIdentity } from "./edge-tunnel";
import { warnUnsupportedZitiImage } from "./versions";

export { TUNNEL_STATUS_PROBE } from "../core/probes";
export { IDENTITY_BASENAME, IDENTITY_DIR } from "./edge-tunnel";

type PodSpec = k8s.types.input.core.v1.PodSpec;

export const ZITI_HOST_TYPE = "zeroport:ziti:ZitiHost";
const COMPONENT = "ziti-host";

/** The image's group `ziti`; the persistent volume is group-owned by it so the tunneler can write. */

export const DEFAULT_RESOURCES = {
  requests: { cpu: "20m", memory: "32Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

const REPLICAS_REASON =
  "must be 0 or 1: one Ziti identity belongs in one pod. Pods sharing it race to renew its " +
  "certificate (the renewal replaces the certificate the other pods hold) and cannot share a " +
  "ReadWriteOnce volume; for more capacity or availability deploy another ZitiHost with its own " +
  "identity bound to the same services, and OpenZiti balances across their terminators";

/** The arguments of {@link ZitiHost}: the single source of its inputs, defaults and docs. */
export const ZitiHostArgsSchema = z
  .object({
    namespace: NamespaceArgs,
    identity: zitiIdentityArgs("identity").describe(
      "The Ziti identity that binds (hosts) the services: `jwt`, `json` or `existingSecret`.",
    ),
    image: ImageRef.default(IMAGES.zitiHost).describe("The openziti/ziti-host image."),
    imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent"),
    imagePullSecrets: z.array(DnsSubdomain).default([]),
    replicas: z
      .number()
      .int("must be a whole number")
      .min(0, REPLICAS_REASON)
      .max(1, REPLICAS_REASON)
      .default(1)
      .describe("0 or 1; see the error for why not more."),
    persistence: persistenceArgs("100Mi").describe(
      "The volume that keeps the enrolled identity and its renewed certificates across restarts. " +
        "Not used for an existing Secret holding identity JSON, which is mounted read-only.",
    ),
    logLevel: z
      .number()
      .int()
      .min(0)
      .max(6)
      .default(3)
      .describe("ZITI_LOG, 0 (none) to 6 (trace)."),
    resources: Resources.default(DEFAULT_RESOURCES),
    labels: Labels.default({}).describe("Extra labels for every object."),
    podAnnotations: Annotations.default({}),
    nodeSelector: Labels.default({}).describe(
      "Node labels the pods must match (label keys and values).",
    ),
    serviceAccountName: DnsLabel.optional().describe(
      "Use this ServiceAccount instead of creating one (no token is mounted either way).",
    ),
  })
  .strict();

export type ZitiHostArgs = z.input<typeof ZitiHostArgsSchema>;
export type ResolvedZitiHostArgs = z.output<typeof ZitiHostArgsSchema>;

/**
 * Hosts (binds) OpenZiti services for addresses inside the cluster with `ziti-edge-tunnel run-host`.
 *
 * It only dials out to the Ziti routers: no Service, no ports. The identity reaches the pod through
 * a Secret only; a JWT is enrolled by the image's entrypoint into a persistent volume, where the
 * renewed certificate survives restarts.
 */
export class ZitiHost extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  /** The PersistentVolumeClaim holding the identity, or undefined when the identity is read-only. */
  readonly volumeName: pulumi.Output<string | undefined>;

  constructor(name: string, args: ZitiHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ZITI_HOST_TYPE, name, {}, opts);
    const a = parseArgs(ZitiHostArgsSchema, args, `ZitiHost ${name}`, { name });
    warnUnsupportedZitiImage(a.image, this);
    const sc = scaffold(this, name, "ZitiHost", COMPONENT, a, "restricted");
    const { labels, ns } = sc;
    const identity = scaffoldIdentity(sc, a.identity);

    const pvc = needsVolume(identity)
      ? persistentClaim(
          `${name}-identity-state`,
          { namespace: ns.name, labels, persistence: a.persistence, accessMode: "ReadWriteOnce" },
          this,
        )
      : undefined;

    const serviceAccountName =
      a.serviceAccountName ??
      new k8s.core.v1.ServiceAccount(
        name,
        { metadata: { name, namespace: ns.name, labels }, automountServiceAccountToken: false },
        { parent: this },
      ).metadata.name;

    const deployment = singlePodDeployment(
      name,
      {
        namespace: ns.name,
        labels,
        selector: selectorLabels(COMPONENT, name),
        replicas: a.replicas,
        podAnnotations: a.podAnnotations,
        podSpec: renderZitiHostPodSpec(a, {
          identity,
          volumeClaimName: pvc?.metadata.name,
          serviceAccountName,
        }),
      },
      { parent: this, dependsOn: identity.secret ? [identity.secret] : [] },
    );

    this.namespace = ns.name;
    this.deploymentName = deployment.metadata.name;
    this.secretName = identity.name;
    this.volumeName = pvc ? pvc.metadata.name : pulumi.output(undefined);
    this.registerOutputs({
      namespace: this.namespace,
      deploymentName: this.deploymentName,
      secretName: this.secretName,
      volumeName: this.volumeName,
    });
  }
}

/** A writable volume is needed unless an enrolled identity is mounted read-only from the user's Secret. */
export function needsVolume(identity: Pick<IdentitySecretRef, "existing" | "contents">): boolean {
  return !(identity.existing && identity.contents === "json");
}

/** The pod spec of the hosting tunneler: pure, so it is tested directly. */
export function renderZitiHostPodSpec(
  a: ResolvedZitiHostArgs,
  refs: {
    identity: Pick<IdentitySecretRef, "name" | "key" | "contents" | "existing">;
    volumeClaimName: pulumi.Input<string> | undefined;
    serviceAccountName: pulumi.Input<string>;
  },
): PodSpec {
  const { volumes, mounts, env } = edgeTunnelIdentity(
    refs.identity,
    refs.volumeClaimName,
    a.logLevel,
  );
  return {
    serviceAccountName: refs.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // nobody:ziti as the image runs it: primary group ziti, or there is no command socket.
    securityContext: restrictedPodSecurityContext(NOBODY_ZITI, ZITI_GROUP),
    ...(a.imagePullSecrets.length > 0
      ? { imagePullSecrets: a.imagePullSecrets.map((n) => ({ name: n })) }
      : {}),
    ...(Object.keys(a.nodeSelector).length > 0 ? { nodeSelector: a.nodeSelector } : {}),
    containers: [
      {
        name: COMPONENT,
        image: a.image,
        imagePullPolicy: a.imagePullPolicy,
        args: ["run-host"],
        env,
        volumeMounts: mounts,
        resources: a.resources,
        securityContext: containerSecurityContext(NOBODY_ZITI),
        ...EDGE_TUNNEL_PROBES,
      },
    ],
    volumes,
  };
}
