import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ZtmAgentArgs } from "../components/ztm/agent";
import type { ZtmHubArgs } from "../components/ztm/hub";
import { ZtmProgramCa } from "../components/ztm/program-ca";

/** The blueprints' switch for the program-made mesh CA (on by default). */
export const ProgramCaSwitch = z
  .boolean()
  .default(true)
  .describe(
    "Make the mesh CA (20 years) and each agent's root permit (1 year, renewed at pulumi up from 90 days before) in the program, as ZtmProgramCa: the hub imports the CA, and an agent whose permit.fromCertificate.secretName is <name>-mesh-<permit> gets that permit. Off: the hub makes its own one-year CA.",
  );

/** The permit an agent's config names from the program CA, or undefined. */
function permitNamed(meshName: string, agent: ZtmAgentArgs): string | undefined {
  const secret = agent.permit.fromCertificate?.secretName;
  const prefix = `${meshName}-`;
  return secret?.startsWith(prefix) ? secret.slice(prefix.length) : undefined;
}

/** The hub's args with the program CA `<name>-mesh` imported, unless the config gives a CA. */
export function hubWithProgramCa(name: string, hub: ZtmHubArgs): ZtmHubArgs {
  return hub.ca ? hub : { ...hub, ca: { existingSecret: { name: `${name}-mesh-ca` } } };
}

/**
 * The program CA `<name>-mesh` in the hub's namespace (after the hub, which may create that
 * namespace), with a permit for every agent that names one: its Secret beside the CA for each
 * agent in `local`, none for the others (`permitSecret` puts theirs where they run). Returns the
 * agents' args with the permit's revision, so a renewed permit restarts the agent.
 */
export function agentsWithProgramCa(
  name: string,
  namespace: string,
  agents: { args: ZtmAgentArgs; local: boolean }[],
  opts: pulumi.ComponentResourceOptions,
): { ca: ZtmProgramCa; agents: ZtmAgentArgs[] } {
  const meshName = `${name}-mesh`;
  const named = agents.map((a) => ({ ...a, permit: permitNamed(meshName, a.args) }));
  const names = (local: boolean) => [
    ...new Set(named.filter((a) => a.local === local).flatMap((a) => a.permit ?? [])),
  ];
  const permits = names(true);
  const ca = new ZtmProgramCa(
    meshName,
    { namespace, ...(permits.length ? { permits } : {}), elsewhere: names(false) },
    opts,
  );
  return {
    ca,
    agents: named.map(({ args, permit }) => {
      const from = args.permit.fromCertificate;
      if (permit === undefined || from === undefined) return args;
      const revision = ca.permitRevisions.apply((r) => r[permit] ?? "");
      return { ...args, permit: { fromCertificate: { ...from, revision } } };
    }),
  };
}

/**
 * The Secret of the program permit an agent names, made where the agent runs (in `namespace`,
 * through `provider`, as `<secret>-<where>`): for an agent in another cluster. None when the
 * agent names no permit.
 */
export function remotePermitSecret(
  name: string,
  ca: ZtmProgramCa,
  agent: ZtmAgentArgs,
  where: { namespace: pulumi.Input<string>; provider: k8s.Provider; suffix: string },
): k8s.core.v1.Secret | undefined {
  const permit = permitNamed(`${name}-mesh`, agent);
  if (permit === undefined) return undefined;
  return ca.permitSecret(permit, where.namespace, {
    provider: where.provider,
    resourceName: `${name}-mesh-${permit}-${where.suffix}`,
  });
}
