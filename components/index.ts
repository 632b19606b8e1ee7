export * as core from "./core";
export { ZeroportInputError } from "./core/validation";
export * from "./guard/zero-exposure-guard";
export * from "./ziti/loopback-sidecar";
export * from "./ziti/nginx-ziti-ingress";
export * from "./ziti/node-proxy-daemonset";
export * from "./ziti/router-tunneler";
export * from "./ziti/tproxy-sidecar";
export * from "./ziti/ziti-host";
export * from "./ztm/agent";
export * from "./ztm/hub";
export * from "./ztm/mesh-ca";
export * from "./ztm/program-ca";
export {
  WorkloadSelector,
  injectIntoWorkload,
  injectionTransform,
  SidecarRefusal,
} from "./core/injection";
