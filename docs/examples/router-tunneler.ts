// RouterTunneler: a private edge router that hosts services for cluster addresses.
import * as pulumi from "@pulumi/pulumi";
import { RouterTunneler } from "zeroport";

const config = new pulumi.Config();
new RouterTunneler("cluster-router", {
  namespace: { name: "ziti-router", create: true },
  enrollment: { jwt: config.requireSecret("routerJwt") }, // ziti edge create edge-router … --tunneler-enabled
  controller: { endpoint: "ziti-controller.example.com:1280" },
});
