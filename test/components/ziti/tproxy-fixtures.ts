// Shared by the tproxy sidecar tests and the injection-transform tests: one sidecar configuration
// and the exact container it injects.
import { TproxySidecarArgsSchema, tproxyInjection } from "../../../components/ziti/tproxy-sidecar";
import { identityJson } from "../../helpers/fixtures";

export const args = TproxySidecarArgsSchema.parse({
  namespace: "shop",
  identity: { json: identityJson() },
});
export const identity = {
  secretName: "egress-identity",
  key: "identity.json",
  contents: "json" as const,
  namespace: "shop",
};
export const injection = tproxyInjection(args, identity, "egress");
export const app = {
  name: "app",
  image: "registry.example.com/web:1.0",
  ports: [{ containerPort: 8080 }],
};

export const TPROXY_CONTAINER_SPEC = {
  name: "ziti-tproxy",
  image: "docker.io/openziti/ziti-tunnel:2.0.3",
  imagePullPolicy: "IfNotPresent",
  args: [
    "tproxy",
    "--resolver",
    "udp://127.0.0.1:53",
    "--dnsSvcIpRange",
    "100.64.0.1/10",
    "--dnsUnanswerable",
    "refused",
  ],
  env: [
    { name: "ZITI_IDENTITY_DIR", value: "/netfoundry" },
    { name: "ZITI_IDENTITY_BASENAME", value: "identity" },
  ],
  volumeMounts: [
    { name: "ziti-tproxy-identity", mountPath: "/netfoundry", readOnly: true },
    { name: "ziti-tproxy-tmp", mountPath: "/tmp" },
    { name: "ziti-tproxy-run", mountPath: "/run" },
  ],
  resources: { requests: { cpu: "20m", memory: "48Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: false,
    runAsUser: 0,
    runAsGroup: 0,
    capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_BIND_SERVICE"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
  startupProbe: {
    // The script itself is run against the recorded resolver in resolver-probe.test.ts.
    exec: { command: ["python3.11", "-c", expect.any(String), "127.0.0.1", "53", "refused"] },
    timeoutSeconds: 5,
    periodSeconds: 2,
    failureThreshold: 90,
  },
  livenessProbe: {
    exec: { command: ["ziti", "agent", "stats"] },
    timeoutSeconds: 5,
    periodSeconds: 30,
    failureThreshold: 3,
  },
  restartPolicy: "Always",
};
