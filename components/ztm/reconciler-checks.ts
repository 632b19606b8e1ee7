/**
 * RUNS INSIDE THE AGENT POD (shipped as source text beside `reconcilerMain`): what the
 * reconciler checks about the agent itself. Pure and self-contained, so tests call these directly
 * and the pod runs the same text.
 */

/** An endpoint as the agent's `GET /api/meshes/{mesh}/endpoints` lists it. */
export interface ListedEndpoint {
  id?: unknown;
  name?: unknown;
}

/**
 * Why this agent is not a member of the mesh, or undefined when the hub lists it. A hub at its
 * `--max-agents` answers the next agent 429 and never lists it, while that agent still says
 * `connected: true` with no error (shared/reference/ztm-real-run-2.md 5a: `?id=ep-115&name=ep-115`
 * gives `[]`), so asking the hub for our own id is the only way to tell.
 */
export function admissionProblem(
  mesh: string,
  self: { id: string; name?: string },
  listed: ListedEndpoint[],
): string | undefined {
  if (listed.some((ep) => ep.id === self.id)) return undefined;
  const who = self.name ? `${self.name} (${self.id})` : self.id;
  return `this agent, endpoint ${who}, says it is connected to mesh ${mesh}, but the hub does not list it: the hub has not admitted it, so no other endpoint can reach it and no tunnel is changed. A ZTM hub admits at most --max-agents agents (ZtmHub maxAgents, 100 unless raised) and answers the next one 429 Too many agents; raise maxAgents or remove unused agents, then this clears on its own`;
}

/** The certificates the agent holds for a mesh, as `GET /api/meshes/{mesh}` returns them. */
export interface MeshCertificates {
  ca?: unknown;
  agent?: { certificate?: unknown; username?: unknown };
}

/**
 * A line for each of the agent's certificates (its permit's and the mesh CA's) that expires
 * within `warnMs` of `nowMs`, or has expired; `validTo` reads a PEM certificate's notAfter (the
 * pod passes node's X509Certificate) and throws on what it cannot read, which is skipped.
 */
export function expiryWarnings(
  info: MeshCertificates,
  nowMs: number,
  warnMs: number,
  validTo: (pem: string) => string,
): string[] {
  const user = typeof info.agent?.username === "string" ? info.agent.username : "root";
  const certs: [string, unknown][] = [
    [`the agent's permit certificate (user ${user})`, info.agent?.certificate],
    ["the mesh CA certificate", info.ca],
  ];
  const out: string[] = [];
  for (const [what, pem] of certs) {
    if (typeof pem !== "string") continue;
    let end: number;
    try {
      end = Date.parse(validTo(pem));
    } catch {
      continue;
    }
    if (Number.isNaN(end)) continue;
    const at = new Date(end).toISOString();
    const days = Math.floor((end - nowMs) / 86_400_000);
    if (end <= nowMs) {
      out.push(
        `EXPIRED: ${what} expired at ${at}: the hub and other agents refuse it; issue a new one (pulumi up renews ZtmProgramCa's, cert-manager ZtmMeshCa's) and restart the agent`,
      );
    } else if (end - nowMs <= warnMs) {
      out.push(
        `WARNING: ${what} expires at ${at}, in ${days} day(s); renew it before then (pulumi up renews ZtmProgramCa's, cert-manager ZtmMeshCa's) or the agent leaves the mesh`,
      );
    }
  }
  return out;
}
