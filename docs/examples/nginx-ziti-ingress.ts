// NginxZitiIngress: nginx with the OpenZiti module binds Ziti services to cluster upstreams.
import * as pulumi from "@pulumi/pulumi";
import { NginxZitiIngress } from "zeroport";

const config = new pulumi.Config();
new NginxZitiIngress("api-ingress", {
  namespace: { name: "nginx-ziti", create: true },
  identity: { json: config.requireSecret("nginxIdentity") },
  image: "registry.example.com/nginx-ziti:1.23.3-1", // built from images/nginx-ziti
  binds: [{ service: "k8s-api", upstream: "kubernetes.default.svc:443" }],
});
