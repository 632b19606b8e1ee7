import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { sha256 } from "../core/hash";
import { IMAGES, ImageRef } from "../core/images";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { Labels, Resources } from "../core/schemas";
import { containerSecurityContext, restrictedPodSecurityContext } from "../core/security";
import { parseArgs } from "../core/validation";
import { scaffold } from "../core/scaffold";
import { singlePodDeployment } from "../core/workload";
import { persistenceArgs, persistentClaim } from "../core/storage";
import { ZTM_USER, ZtmName } from "./common";
import { PermitArgs } from "./permit";
import { reconcilerScript } from "./reconciler-in-pod";
import { permitVolume } from "./agent-permit";
import { Inbound, Outbound, Proxy, agentIngressPorts, desiredState } from "./agent-apps";

export { ASSEMBLE_PERMIT } from "./agent-permit";
export { agentIngressPorts, desiredState } from "./agent-apps";

export const ZTM_AGENT_TYPE = "zeroport:ztm:ZtmAgent";
const COMPONENT = "ztm-agent";
/** The agent API: unauthenticated plain HTTP with a remote shell, so it listens on loopback only. */
export const AGENT_API = "127.0.0.1:7777";
/** Written by the reconciler while the agent's tunnel app is stuck after a failed listen. */
const STUCK_FILE = "/run/zeroport/agent-stuck";
/**
 * Written by the reconciler while the hub does not list this agent (not admitted, say past the
 * hub's maxAgents): the reconciler is not ready, and its log and the file say why.
 */
const REFUSED_FILE = "/run/zeroport/agent-refused";
/** Fails while the stuck marker exists: the kubelet restarts the agent, which clears the state. */
const NOT_STUCK_PROBE = { exec: { command: ["/bin/sh", "-c", `test ! -e ${STUCK_FILE}`] } };

/** The arguments of {@link ZtmAgent}. */
export const ZtmAgentArgsSchema = z
  .object({
    namespace: NamespaceArgs,
    mesh: ZtmName.describe("The mesh to join."),
    endpoint: ZtmName.describe("This agent's endpoint name in the mesh."),
    permit: PermitArgs,
    tunnels: z
      .object({ outbound: z.array(Outbound).default([]), inbound: z.array(Inbound).default([]) })
      .strict()
      .default({ outbound: [], inbound: [] }),
    proxy: Proxy.optional(),
    service: z
      .boolean()
      .default(false)
      .describe("A ClusterIP Service for the inbound and proxy ports."),
    image: ImageRef.default(IMAGES.ztmAgent),
    reconcilerImage: ImageRef.default(IMAGES.node),
    persistence: persistenceArgs("1Gi"),
    resources: Resources.default({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    }),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    const ports = new Map<number, string>();
    const claim = (port: number | undefined, what: string, path: (string | number)[]) => {
      if (port === undefined) return;
      const first = ports.get(port);
      if (first)
        ctx.addIssue({
          code: "custom",
          path,
          message: `uses port ${port}, already taken by ${first}`,
        });
      else ports.set(port, what);
    };
    a.tunnels.inbound.forEach((t, i) =>
      claim(t.port, `inbound ${t.protocol}/${t.name}`, ["tunnels", "inbound", i, "port"]),
    );
    claim(a.proxy?.port, "the proxy", ["proxy", "port"]);
    for (const side of ["outbound", "inbound"] as const) {
      const seen = new Set<string>();
      a.tunnels[side].forEach((t, i) => {
        const key = `${t.protocol}/${t.name}`;
        if (seen.has(key))
          ctx.addIssue({
            code: "custom",
            path: ["tunnels", side, i, "name"],
            message: `repeats ${side} ${key}`,
          });
        seen.add(key);
      });
    }
  });

export type ZtmAgentArgs = z.input<typeof ZtmAgentArgsSchema>;
export type ResolvedZtmAgentArgs = z.output<typeof ZtmAgentArgsSchema>;

/** The agent command: joins the mesh at start, its API bound to loopback. */
export function agentCommand(a: Pick<ResolvedZtmAgentArgs, "mesh" | "endpoint">): string[] {
  return [
    "ztm",
    "run",
    "agent",
    "--listen",
    AGENT_API,
    "--data",
    "/data",
    "--join",
    a.mesh,
    "--join-as",
    a.endpoint,
    "--permit",
    "/permit/permit.json",
  ];
}

/**
 * A ZTM agent that joins a mesh as one endpoint and keeps declared tunnels and a proxy in place
 * through a reconciler beside it. Its API never leaves the pod.
 */
export class ZtmAgent extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string | undefined>;

  constructor(name: string, args: ZtmAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ZTM_AGENT_TYPE, name, {}, opts);
    const a = parseArgs(ZtmAgentArgsSchema, args, `ZtmAgent ${name}`, { name, serviceName: true });
    const { labels, ns } = scaffold(this, name, "ZtmAgent", COMPONENT, a, "restricted");
    const selector = selectorLabels(COMPONENT, name);
    const permit = permitVolume(name, a, ns.name, labels, this);
    const desired = JSON.stringify(desiredState(a), null, 2);
    const script = reconcilerScript();
    const config = new k8s.core.v1.ConfigMap(
      `${name}-reconciler`,
      {
        metadata: { name: `${name}-reconciler`, namespace: ns.name, labels },
        data: { "desired.json": desired, "reconcile.js": script },
      },
      { parent: this },
    );
    const pvc = persistentClaim(
      `${name}-data`,
      { namespace: ns.name, labels, persistence: a.persistence, accessMode: "ReadWriteOnce" },
      this,
    );
    const ingressPorts = agentIngressPorts(a);
    const deployment = singlePodDeployment(
      name,
      {
        namespace: ns.name,
        labels,
        selector: selector,
        replicas: 1,
        // A change of the declared apps (or of the reconciler) restarts the pod, which re-applies them.
        podAnnotations: {
          "zeroport.io/desired-checksum": sha256(desired + script),
          ...(a.permit.fromCertificate?.revision !== undefined
            ? { "zeroport.io/permit-revision": a.permit.fromCertificate.revision }
            : {}),
        },
        podSpec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(ZTM_USER),
          ...(permit.assemble ? { initContainers: [permit.assemble(a.reconcilerImage)] } : {}),
          containers: [
            {
              name: "agent",
              image: a.image,
              imagePullPolicy: "IfNotPresent",
              command: agentCommand(a),
              env: [{ name: "HOME", value: "/tmp" }],
              ...(ingressPorts.length > 0
                ? {
                    ports: ingressPorts.map((p) => ({
                      name: `${p.protocol.toLowerCase()}-${p.port}`,
                      containerPort: p.port,
                      protocol: p.protocol,
                    })),
                  }
                : {}),
              volumeMounts: [
                { name: "data", mountPath: "/data" },
                { name: "permit", mountPath: "/permit", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
                { name: "status", mountPath: "/run/zeroport", readOnly: true },
              ],
              resources: a.resources,
              securityContext: containerSecurityContext(ZTM_USER),
              // ZTM answers 500 to every inbound change after a listen failed, until it restarts.
              readinessProbe: { ...NOT_STUCK_PROBE, periodSeconds: 10 },
              livenessProbe: { ...NOT_STUCK_PROBE, periodSeconds: 20, failureThreshold: 3 },
            },
            {
              name: "reconciler",
              image: a.reconcilerImage,
              imagePullPolicy: "IfNotPresent",
              command: ["node", "/etc/ztm-reconciler/reconcile.js"],
              env: [
                { name: "ZTM_AGENT", value: AGENT_API },
                { name: "ZTM_DESIRED", value: "/etc/ztm-reconciler/desired.json" },
                { name: "ZTM_STUCK_FILE", value: STUCK_FILE },
                { name: "ZTM_REFUSED_FILE", value: REFUSED_FILE },
              ],
              volumeMounts: [
                { name: "reconciler", mountPath: "/etc/ztm-reconciler", readOnly: true },
                { name: "status", mountPath: "/run/zeroport" },
              ],
              resources: {
                requests: { cpu: "5m", memory: "32Mi" },
                limits: { cpu: "100m", memory: "96Mi" },
              },
              securityContext: containerSecurityContext(ZTM_USER),
              // Ready when the agent API answers inside the pod and the hub has admitted the agent
              // (a restart would not help a refused agent, so this is readiness, not liveness).
              readinessProbe: {
                exec: {
                  command: [
                    "node",
                    "-e",
                    `if (require("fs").existsSync("${REFUSED_FILE}")) process.exit(1); require("http").get("http://${AGENT_API}/api/version", (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))`,
                  ],
                },
                periodSeconds: 15,
                timeoutSeconds: 5,
              },
            },
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } },
            ...permit.volumes,
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            { name: "status", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
            {
              name: "reconciler",
              configMap: { name: config.metadata.name, defaultMode: 0o444 },
            },
          ],
        },
      },
      { parent: this },
    );
    // Nothing may reach the pod but the declared inbound and proxy ports (the API is on loopback).
    new k8s.networking.v1.NetworkPolicy(
      `${name}-ingress`,
      {
        metadata: { name: `${name}-ingress`, namespace: ns.name, labels },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress"],
          // No `ingress` at all denies every connection (an empty list is dropped by the API server).
          ...(ingressPorts.length > 0 ? { ingress: [{ ports: ingressPorts }] } : {}),
        },
      },
      { parent: this },
    );
    const service =
      a.service && ingressPorts.length > 0
        ? new k8s.core.v1.Service(
            name,
            {
              metadata: { name, namespace: ns.name, labels },
              spec: {
                type: "ClusterIP",
                selector,
                ports: ingressPorts.map((p) => ({
                  name: `${p.protocol.toLowerCase()}-${p.port}`,
                  port: p.port,
                  targetPort: p.port,
                  protocol: p.protocol,
                })),
              },
            },
            { parent: this },
          )
        : undefined;
    this.namespace = ns.name;
    this.deploymentName = deployment.metadata.name;
    this.serviceName = service ? service.metadata.name : pulumi.output(undefined);
    this.registerOutputs({
      namespace: this.namespace,
      deploymentName: this.deploymentName,
      serviceName: this.serviceName,
    });
  }
}
