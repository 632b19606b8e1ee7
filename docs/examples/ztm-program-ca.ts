// ZtmProgramCa, ZtmHub and ZtmAgent: a mesh whose CA (20 years) and agent permit (1 year) the
// program makes and keeps, renewed at `pulumi up`; no operator in the cluster.
import { ZtmAgent, ZtmHub, ZtmProgramCa } from "zeroport";

const ca = new ZtmProgramCa("mesh", {
  namespace: { name: "ztm", create: true },
  permits: ["cluster-a"],
});
const hub = new ZtmHub(
  "hub",
  {
    namespace: "ztm",
    names: ["hub.example.com:8888"],
    maxAgents: 250,
    ca: { existingSecret: { name: ca.caSecretName } },
    service: { type: "LoadBalancer", sourceRanges: ["203.0.113.0/24"] },
  },
  { dependsOn: [ca] },
);
new ZtmAgent(
  "cluster-a",
  {
    namespace: "ztm",
    mesh: "prod",
    endpoint: "cluster-a",
    permit: {
      fromCertificate: {
        secretName: ca.permitSecretNames["cluster-a"] ?? "mesh-cluster-a",
        bootstraps: ["ztm-hub.ztm.svc:8888"],
        // A re-issued permit restarts the agent, which reads its permit only when it starts.
        revision: ca.permitRevisions.apply((r) => r["cluster-a"] ?? ""),
      },
    },
    tunnels: { outbound: [{ name: "orders", targets: ["orders.shop.svc.cluster.local:8080"] }] },
  },
  { dependsOn: [hub] },
);

// When the CA and the permit expire: watch these, and run `pulumi up` at least every 90 days.
export const caNotAfter = ca.caNotAfter;
export const permitNotAfter = ca.permitNotAfter;
