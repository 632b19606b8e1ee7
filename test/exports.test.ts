// The package's public surface: what `import { ... } from "zeroport"` offers. Users' programs import
// these names, so a move inside the tree must never add, drop or rename one; a change here is a
// deliberate API change.
import * as root from "../components";
import { ZITI_HOST_TYPE, ZitiHost } from "../components";

const ROOT_EXPORTS = [
  "AGENT_API",
  "ASSEMBLE_PERMIT",
  "DEFAULT_RESOURCES",
  "IDENTITY_BASENAME",
  "IDENTITY_DIR",
  "LOOPBACK_CONTAINER",
  "LOOPBACK_SIDECAR_TYPE",
  "LoopbackSidecar",
  "LoopbackSidecarArgsSchema",
  "NGINX_IDENTITY_DIR",
  "NGINX_ZITI_EXIT_LINES",
  "NGINX_ZITI_INGRESS_TYPE",
  "NODE_PROXY_ESCALATIONS",
  "NODE_PROXY_TYPE",
  "NginxZitiIngress",
  "NginxZitiIngressArgsSchema",
  "NodeProxyDaemonset",
  "NodeProxyDaemonsetArgsSchema",
  "ROUTER_CONFIG_FILE",
  "ROUTER_HOME",
  "ROUTER_TPROXY_ESCALATIONS",
  "ROUTER_TUNNELER_TYPE",
  "RouterTunneler",
  "RouterTunnelerArgsSchema",
  "SidecarRefusal",
  "TPROXY_CONTAINER",
  "TPROXY_ESCALATIONS",
  "TPROXY_SIDECAR_TYPE",
  "TUNNEL_STATUS_PROBE",
  "TproxySidecar",
  "TproxySidecarArgsSchema",
  "WorkloadSelector",
  "ZERO_EXPOSURE_GUARD_TYPE",
  "ZITI_HOST_TYPE",
  "ZTM_AGENT_TYPE",
  "ZTM_HUB_TYPE",
  "ZTM_MESH_CA_TYPE",
  "ZeroExposureGuard",
  "ZeroExposureGuardArgsSchema",
  "ZeroportInputError",
  "ZitiHost",
  "ZitiHostArgsSchema",
  "ZtmAgent",
  "ZtmAgentArgsSchema",
  "ZtmHub",
  "ZtmHubArgsSchema",
  "ZtmMeshCa",
  "ZtmMeshCaArgsSchema",
  "agentCommand",
  "agentIngressPorts",
  "complementPorts",
  "core",
  "corednsSnippets",
  "desiredState",
  "hubCommand",
  "injectIntoWorkload",
  "injectionTransform",
  "loopbackArgs",
  "loopbackIngressPorts",
  "loopbackInjection",
  "needsVolume",
  "renderNginxConf",
  "renderNodeProxyPodSpec",
  "renderRouterConfig",
  "renderRouterPodSpec",
  "renderZitiHostPodSpec",
  "routerSans",
  "stateVolumeName",
  "threadCount",
  "tproxyDnsConfig",
  "tproxyInjection",
];

const CORE_EXPORTS = [
  "Annotations",
  "DataKey",
  "DnsLabel",
  "DnsSubdomain",
  "ENROLLMENT_TOKEN_DIR",
  "IDENTITY_KEYS",
  "IMAGES",
  "ImageRef",
  "Labels",
  "MANAGED_BY",
  "NOBODY",
  "NOBODY_ZITI",
  "NamespaceArgs",
  "Port",
  "Quantity",
  "Resources",
  "SecretString",
  "ZITI_GROUP",
  "ZeroportInputError",
  "allowedKeysAt",
  "checkIdentityValue",
  "componentNameIssues",
  "containerSecurityContext",
  "enrollmentJwtProblems",
  "ensureIdentitySecret",
  "ensureNamespace",
  "formatPath",
  "hasPinnedVersion",
  "identityContents",
  "identityJsonProblems",
  "isInputError",
  "issuesFromZod",
  "parseArgs",
  "podSecurityLabels",
  "restrictedPodSecurityContext",
  "selectorLabels",
  "standardLabels",
  "zitiIdentityArgs",
];

test("the package root exports exactly the published names", () => {
  expect(Object.keys(root).sort()).toEqual(ROOT_EXPORTS);
});

test("the core namespace exports exactly the published names", () => {
  expect(Object.keys(root.core).sort()).toEqual(CORE_EXPORTS);
});

test("type tokens are unchanged", () => {
  expect({
    ZITI_HOST_TYPE,
    tokens: Object.entries(root)
      .filter(([k]) => k.endsWith("_TYPE"))
      .map(([, v]) => v as string)
      .sort(),
  }).toEqual({
    ZITI_HOST_TYPE: "zeroport:ziti:ZitiHost",
    tokens: [
      "zeroport:guard:ZeroExposureGuard",
      "zeroport:ziti:LoopbackSidecar",
      "zeroport:ziti:NginxZitiIngress",
      "zeroport:ziti:NodeProxyDaemonset",
      "zeroport:ziti:RouterTunneler",
      "zeroport:ziti:TproxySidecar",
      "zeroport:ziti:ZitiHost",
      "zeroport:ztm:ZtmAgent",
      "zeroport:ztm:ZtmHub",
      "zeroport:ztm:ZtmMeshCa",
    ],
  });
  expect(typeof ZitiHost).toBe("function");
});
