// TproxySidecar: transparent interception for your existing workloads, including Helm charts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TproxySidecar } from "zeroport";

const config = new pulumi.Config();
const sidecar = new TproxySidecar("checkout-egress", {
  namespace: "shop",
  identity: { json: config.requireSecret("checkoutIdentity") }, // ziti edge enroll …
  select: { labels: { app: "checkout" } },
  clusterDns: { ip: "10.43.0.10" }, // kubectl -n kube-system get svc kube-dns
});
new k8s.helm.v4.Chart(
  "checkout",
  { chart: "./charts/checkout", namespace: "shop" },
  { transforms: [sidecar.transform] },
);
