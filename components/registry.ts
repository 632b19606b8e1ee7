import type * as pulumi from "@pulumi/pulumi";
import {
  LoopbackSidecar,
  LoopbackSidecarArgsSchema,
  type LoopbackSidecarArgs,
} from "./ziti/loopback-sidecar";
import {
  NginxZitiIngress,
  NginxZitiIngressArgsSchema,
  type NginxZitiIngressArgs,
} from "./ziti/nginx-ziti-ingress";
import {
  NodeProxyDaemonset,
  NodeProxyDaemonsetArgsSchema,
  type NodeProxyDaemonsetArgs,
} from "./ziti/node-proxy-daemonset";
import {
  RouterTunneler,
  RouterTunnelerArgsSchema,
  type RouterTunnelerArgs,
} from "./ziti/router-tunneler";
import {
  TproxySidecar,
  TproxySidecarArgsSchema,
  type TproxySidecarArgs,
} from "./ziti/tproxy-sidecar";
import { ZitiHost, ZitiHostArgsSchema, type ZitiHostArgs } from "./ziti/ziti-host";
import { ZtmAgent, ZtmAgentArgsSchema, type ZtmAgentArgs } from "./ztm/agent";
import { ZtmHub, ZtmHubArgsSchema, type ZtmHubArgs } from "./ztm/hub";
import { ZtmMeshCa, ZtmMeshCaArgsSchema, type ZtmMeshCaArgs } from "./ztm/mesh-ca";
import { ZtmProgramCa, ZtmProgramCaArgsSchema, type ZtmProgramCaArgs } from "./ztm/program-ca";
import type { z } from "zod";
import {
  ZeroExposureGuard,
  ZeroExposureGuardArgsSchema,
  type ZeroExposureGuardArgs,
} from "./guard/zero-exposure-guard";

/** A component the CLI can render by name: its args schema and how to construct it. */
export interface ComponentEntry {
  description: string;
  schema: z.ZodType;
  create(
    name: string,
    args: unknown,
    opts?: pulumi.ComponentResourceOptions,
  ): pulumi.ComponentResource;
}

/** Every component in the library, by class name. */
export const COMPONENTS: Record<string, ComponentEntry> = {
  ZitiHost: {
    description: "ziti-edge-tunnel run-host: hosts Ziti services for cluster addresses, no Service",
    schema: ZitiHostArgsSchema,
    create: (name, args, opts) => new ZitiHost(name, args as ZitiHostArgs, opts),
  },
  TproxySidecar: {
    description:
      "ziti tunnel tproxy injected into existing workloads: transparent interception in one pod",
    schema: TproxySidecarArgsSchema,
    create: (name, args, opts) => new TproxySidecar(name, args as TproxySidecarArgs, opts),
  },
  LoopbackSidecar: {
    description:
      "ziti tunnel proxy injected into existing workloads: a local port per Ziti service",
    schema: LoopbackSidecarArgsSchema,
    create: (name, args, opts) => new LoopbackSidecar(name, args as LoopbackSidecarArgs, opts),
  },
  NodeProxyDaemonset: {
    description:
      "ziti-edge-tunnel run on selected nodes (hostNetwork), with cluster DNS forwarding",
    schema: NodeProxyDaemonsetArgsSchema,
    create: (name, args, opts) =>
      new NodeProxyDaemonset(name, args as NodeProxyDaemonsetArgs, opts),
  },
  RouterTunneler: {
    description:
      "an OpenZiti edge router hosting services with its built-in tunneler; private by default",
    schema: RouterTunnelerArgsSchema,
    create: (name, args, opts) => new RouterTunneler(name, args as RouterTunnelerArgs, opts),
  },
  NginxZitiIngress: {
    description:
      "nginx with ngx_ziti_module binding Ziti services to cluster upstreams; no Service",
    schema: NginxZitiIngressArgsSchema,
    create: (name, args, opts) => new NginxZitiIngress(name, args as NginxZitiIngressArgs, opts),
  },
  ZtmHub: {
    description: "the ZTM hub agents dial out to; one replica, its CA on a persistent volume",
    schema: ZtmHubArgsSchema,
    create: (name, args, opts) => new ZtmHub(name, args as ZtmHubArgs, opts),
  },
  ZtmAgent: {
    description:
      "a ZTM agent with declared tunnels and proxy, kept in place by a reconciler; API on loopback",
    schema: ZtmAgentArgsSchema,
    create: (name, args, opts) => new ZtmAgent(name, args as ZtmAgentArgs, opts),
  },
  ZtmMeshCa: {
    description:
      "the ZTM mesh CA and root certificate issued by cert-manager (optionally installed)",
    schema: ZtmMeshCaArgsSchema,
    create: (name, args, opts) => new ZtmMeshCa(name, args as ZtmMeshCaArgs, opts),
  },
  ZtmProgramCa: {
    description:
      "the ZTM mesh CA (20 years) and root permits made by the program, kept in its state and in Secrets; renewed at pulumi up",
    schema: ZtmProgramCaArgsSchema,
    create: (name, args, opts) => new ZtmProgramCa(name, args as ZtmProgramCaArgs, opts),
  },
  ZeroExposureGuard: {
    description:
      "the exposure rules at admission: a ValidatingAdmissionPolicy and binding (CEL, no webhook)",
    schema: ZeroExposureGuardArgsSchema,
    create: (name, args, opts) => new ZeroExposureGuard(name, args as ZeroExposureGuardArgs, opts),
  },
};
