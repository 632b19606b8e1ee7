// ZitiHost: host Ziti services for addresses in the cluster, with no Service and no open port.
import * as pulumi from "@pulumi/pulumi";
import { ZitiHost } from "zeroport";

const config = new pulumi.Config();
const host = new ZitiHost("orders-host", {
  namespace: { name: "ziti", create: true },
  identity: { jwt: config.requireSecret("ordersHostJwt") }, // ziti edge create identity … --jwt-output-file
});
export const deployment = host.deploymentName;
