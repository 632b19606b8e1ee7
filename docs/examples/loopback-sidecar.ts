// LoopbackSidecar: one local port per Ziti service, no privilege, other pods kept off the ports.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoopbackSidecar } from "zeroport";

const config = new pulumi.Config();
const sidecar = new LoopbackSidecar("reports-egress", {
  namespace: "analytics",
  identity: { json: config.requireSecret("reportsIdentity") },
  services: [{ name: "warehouse-db", port: 15432 }],
  select: { names: ["reports"] },
});
new k8s.apps.v1.Deployment(
  "reports",
  {
    metadata: { name: "reports", namespace: "analytics" },
    spec: {
      selector: { matchLabels: { app: "reports" } },
      template: {
        metadata: { labels: { app: "reports" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "registry.example.com/reports:1.4.0",
              env: [{ name: "DB_HOST", value: "127.0.0.1:15432" }],
            },
          ],
        },
      },
    },
  },
  { transforms: [sidecar.transform] },
);
