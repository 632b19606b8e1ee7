// Per-blueprint inputs for the engine suite: a config change that must roll pods, and the secret
// strings a config carries (which must never reach the state in plaintext).

/** Where each blueprint keeps the args of the component whose pods the change rolls. */
const ROLLED_COMPONENT: Record<string, string[]> = {
  "ziti-host": ["host"],
  "egress-tproxy": ["sidecar"],
  "egress-loopback": ["sidecar"],
  "node-proxy": ["proxy"],
  "ingress-router": ["router"],
  "ingress-nginx": ["nginx"],
  "ztm-mesh": ["agent"],
  "ztm-cross-cluster": ["agentB"],
  "zero-trust-cluster": ["strategies", "ziti-host", "host"],
};

/** New resource limits for one component: its pod template changes, so its pods are replaced. */
export function withChangedResources(blueprint: string, config: unknown): unknown {
  const at = ROLLED_COMPONENT[blueprint];
  if (!at) throw new Error(`no rolling change known for blueprint ${blueprint}`);
  const changed = structuredClone(config) as Record<string, unknown>;
  let node = changed;
  for (const key of at) node = node[key] as Record<string, unknown>;
  node.resources = {
    requests: { cpu: "20m", memory: "48Mi" },
    limits: { cpu: "300m", memory: "200Mi" },
  };
  return changed;
}

const SECRET_KEYS = new Set(["jwt", "json", "privateKey", "certificate"]);

/** Every identity, token and permit string in a config, and the long strings inside them. */
export function secretStrings(config: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (typeof value === "string") {
      if (!SECRET_KEYS.has(key)) return;
      found.push(value);
      try {
        for (const inner of leaves(JSON.parse(value))) if (inner.length >= 40) found.push(inner);
      } catch {
        // Not JSON: the string itself is the secret.
      }
      return;
    }
    if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) visit(v, SECRET_KEYS.has(key) ? key : k);
  };
  visit(config, "");
  return [...new Set(found.filter((s) => s.length >= 16))];
}

function leaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [];
}
