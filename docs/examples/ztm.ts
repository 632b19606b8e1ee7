// ZtmMeshCa, ZtmHub and ZtmAgent: a ZTM mesh with a cert-manager CA and a declared tunnel and proxy.
import { ZtmAgent, ZtmHub, ZtmMeshCa } from "zeroport";

const ca = new ZtmMeshCa("mesh", {
  namespace: { name: "ztm", create: true },
  installCertManager: true,
});
const hub = new ZtmHub("hub", {
  namespace: "ztm",
  names: ["hub.example.com:8888"],
  ca: { existingSecret: { name: ca.caSecretName } },
  service: { type: "LoadBalancer", sourceRanges: ["203.0.113.0/24"] },
});
new ZtmAgent(
  "cluster-a",
  {
    namespace: "ztm",
    mesh: "prod",
    endpoint: "cluster-a",
    permit: {
      fromCertificate: {
        secretName: ca.userSecretNames.root ?? "mesh-root",
        bootstraps: hub.bootstraps,
      },
    },
    tunnels: { outbound: [{ name: "orders", targets: ["orders.shop.svc.cluster.local:8080"] }] },
    proxy: { targets: ["*.svc.cluster.local"] },
  },
  { dependsOn: [hub, ca] },
);
