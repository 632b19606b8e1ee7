export * as core from "./core";
export { ZeroportInputError } from "./core/validation";
export * from "./loopback-sidecar";
export * from "./nginx-ziti-ingress";
export * from "./node-proxy-daemonset";
export * from "./router-tunneler";
export * from "./tproxy-sidecar";
export * from "./ziti-host";
export * from "./ztm-agent";
export * from "./ztm-hub";
export * from "./ztm-mesh-ca";
export {
  WorkloadSelector,
  injectIntoWorkload,
  injectionTransform,
  SidecarRefusal,
} from "./core/injection";
