// NodeProxyDaemonset: every pod on the selected nodes reaches Ziti services through the node.
import * as pulumi from "@pulumi/pulumi";
import { NodeProxyDaemonset } from "zeroport";

const config = new pulumi.Config();
const proxy = new NodeProxyDaemonset("ziti-nodes", {
  namespace: { name: "ziti-node", create: true },
  identity: { json: config.requireSecret("nodeIdentity") },
  nodeSelector: { "zeroport.io/ziti": "true" },
  clusterDns: { zitiDomains: ["ziti.internal"], manage: "coredns-custom" },
});
export const nameserver = proxy.nameserver;
export const nodeLocalDnsSnippet = proxy.dnsSnippets.nodeLocalDns;
