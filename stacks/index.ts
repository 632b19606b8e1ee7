import * as pulumi from "@pulumi/pulumi";
import { ZeroportInputError } from "../components/core/validation";
import { runBlueprint, type Blueprint } from "./blueprint";
import { egressLoopbackBlueprint } from "./egress-loopback";
import { egressTproxyBlueprint } from "./egress-tproxy";
import { ingressNginxBlueprint } from "./ingress-nginx";
import { ingressRouterBlueprint } from "./ingress-router";
import { nodeProxyBlueprint } from "./node-proxy";
import { zitiHostBlueprint } from "./ziti-host";
import { ztmCrossClusterBlueprint } from "./ztm-cross-cluster";
import { ztmMeshBlueprint } from "./ztm-mesh";
import { zeroTrustClusterBlueprint } from "./zero-trust-cluster";

export { runBlueprint, type Blueprint } from "./blueprint";

/** Every blueprint, by name. */
export const BLUEPRINTS: Record<string, Blueprint> = {
  [zitiHostBlueprint.name]: zitiHostBlueprint,
  [egressTproxyBlueprint.name]: egressTproxyBlueprint,
  [egressLoopbackBlueprint.name]: egressLoopbackBlueprint,
  [nodeProxyBlueprint.name]: nodeProxyBlueprint,
  [ingressRouterBlueprint.name]: ingressRouterBlueprint,
  [ingressNginxBlueprint.name]: ingressNginxBlueprint,
  [ztmMeshBlueprint.name]: ztmMeshBlueprint,
  [ztmCrossClusterBlueprint.name]: ztmCrossClusterBlueprint,
};
const zeroTrustCluster = zeroTrustClusterBlueprint(() => BLUEPRINTS);
BLUEPRINTS[zeroTrustCluster.name] = zeroTrustCluster;

export const DEFAULT_BLUEPRINT = zitiHostBlueprint.name;

/** The blueprint called `name`; own names only, so `toString` or `constructor` finds nothing. */
export function blueprintNamed(name: string | undefined): Blueprint | undefined {
  return name !== undefined && Object.hasOwn(BLUEPRINTS, name) ? BLUEPRINTS[name] : undefined;
}

/**
 * The `pulumi up` entry point: runs the blueprint named by `zeroport:blueprint` with the config in
 * `zeroport:config` (a structured value; set secrets with `pulumi config set --secret --path`).
 */
export function runFromStackConfig(): void {
  const name = pulumi.runtime.getConfig("zeroport:blueprint") ?? DEFAULT_BLUEPRINT;
  const blueprint = blueprintNamed(name);
  if (!blueprint) {
    throw new ZeroportInputError("stack config", [
      {
        path: "zeroport:blueprint",
        reason: `must be one of ${Object.keys(BLUEPRINTS).join(", ")}`,
      },
    ]);
  }
  // Read raw: the value is validated synchronously here, and components turn secret fields into
  // Pulumi secrets themselves.
  const raw = pulumi.runtime.getConfig("zeroport:config");
  if (raw === undefined) {
    throw new ZeroportInputError("stack config", [
      {
        path: "zeroport:config",
        reason: `must be set: the ${name} blueprint's config (see \`zeroport render ${name}\` and stacks/examples)`,
      },
    ]);
  }
  let config: unknown;
  try {
    config = JSON.parse(raw);
  } catch {
    throw new ZeroportInputError("stack config", [
      { path: "zeroport:config", reason: "must be a structured (object) value" },
    ]);
  }
  runBlueprint(blueprint, config);
}
