import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ServiceExposure, exposureSpec } from "../core/exposure";
import { IMAGES, ImageRef } from "../core/images";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { DataKey, DnsSubdomain, Labels, Port, Resources } from "../core/schemas";
import { containerSecurityContext, restrictedPodSecurityContext } from "../core/security";
import { parseArgs } from "../core/validation";
import { scaffold } from "../core/scaffold";
import { singlePodDeployment } from "../core/workload";
import { persistenceArgs, persistentClaim } from "../core/storage";
import { ZTM_USER, isIpLiteral, parseHostPort } from "./common";
import { caImportScript } from "./hub-ca-import";

export const ZTM_HUB_TYPE = "zeroport:ztm:ZtmHub";
const COMPONENT = "ztm-hub";

const REPLICAS_REASON =
  "must be 0 or 1: the open-source ZTM hub keeps endpoints and sessions in memory and cannot be clustered " +
  "(clustering is in the Enterprise edition only); two hubs behind one Service would split the mesh";

const HubName = z.string().superRefine((text, ctx) => {
  const hp = parseHostPort(text);
  if (!hp)
    ctx.addIssue({
      code: "custom",
      message: "must be host:port, the address agents dial (for example hub.example.com:8888)",
    });
});

/** The arguments of {@link ZtmHub}. */
export const ZtmHubArgsSchema = z
  .object({
    namespace: NamespaceArgs,
    names: z
      .array(HubName)
      .min(1, "must list at least one address agents use to reach the hub (host:port)")
      .describe("Addresses agents dial; they go into permits' bootstraps. Use DNS names."),
    allowIpNames: z
      .boolean()
      .default(false)
      .describe(
        "Accept IP literals in `names`; the hub filters them by the scope of each caller's address.",
      ),
    maxAgents: z
      .number()
      .int()
      .min(2, "must be 2 or more: the hub refuses fewer (ztm v1.0.4 hub/main.js:279)")
      .max(1_000_000)
      .default(100)
      .describe(
        "How many agents the hub admits (`--max-agents`, upstream's default 100): one more is answered 429 Too Many Agents and never joins the mesh (ztm v1.0.4 hub/main.js:278,1172). Raise it before the mesh grows past it.",
      ),
    port: Port.min(1024, "must be 1024 or above: the hub runs as non-root")
      .default(8888)
      .describe("The port the hub listens on in the pod."),
    image: ImageRef.default(IMAGES.ztmHub),
    replicas: z.number().int().min(0, REPLICAS_REASON).max(1, REPLICAS_REASON).default(1),
    persistence: persistenceArgs("1Gi").describe(
      "Holds ztm-hub.db: the mesh CA, the hub id, evictions and ACLs. A restart must never rotate the CA.",
    ),
    ca: z
      .object({
        existingSecret: z
          .object({
            name: DnsSubdomain,
            certKey: DataKey.default("tls.crt"),
            keyKey: DataKey.default("tls.key"),
          })
          .strict(),
        rotate: z
          .boolean()
          .default(false)
          .describe(
            "Replace a different CA already stored in the hub database. Off: the hub refuses to start rather than orphan every agent permit.",
          ),
      })
      .strict()
      .optional()
      .describe(
        "The mesh CA (CN=ca) from a Secret, for example one cert-manager issued: imported once, then only checked; a different stored CA is never replaced unless `rotate` is set.",
      ),
    service: ServiceExposure.describe(
      "ClusterIP by default; a hardened LoadBalancer for agents outside the cluster.",
    ),
    resources: Resources.default({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    }),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    a.names.forEach((n, i) => {
      const hp = parseHostPort(n);
      if (hp && isIpLiteral(hp.host) && !a.allowIpNames) {
        ctx.addIssue({
          code: "custom",
          path: ["names", i],
          message:
            "is an IP address: the hub advertises IP names only to callers in the same address scope (a public IP is hidden from agents it sees through SNAT as private), so use a DNS name, or set allowIpNames: true",
        });
      }
    });
  });

export type ZtmHubArgs = z.input<typeof ZtmHubArgsSchema>;
export type ResolvedZtmHubArgs = z.output<typeof ZtmHubArgsSchema>;

/**
 * The hub's command: explicit listen address, data dir, names, agent capacity (`runHub` passes
 * `--max-agents` on, ztm v1.0.4 cli/main.js:1107) and a writable permit path.
 */
export function hubCommand(
  a: Pick<ResolvedZtmHubArgs, "port" | "names"> & { maxAgents?: number },
): string[] {
  return [
    "ztm",
    "run",
    "hub",
    "--listen",
    `0.0.0.0:${a.port}`,
    "--data",
    "/data",
    "--names",
    ...a.names,
    "--max-agents",
    String(a.maxAgents ?? 100),
    "--permit",
    "/permit/root.json",
  ];
}

/** The ZTM hub: the one rendezvous point agents dial out to, with a CA that survives restarts. */
export class ZtmHub extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly volumeName: pulumi.Output<string>;
  /** The addresses agents use: put them in permits' `bootstraps`. */
  readonly bootstraps: string[];

  constructor(name: string, args: ZtmHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ZTM_HUB_TYPE, name, {}, opts);
    const a = parseArgs(ZtmHubArgsSchema, args, `ZtmHub ${name}`, { name, serviceName: true });
    const sc = scaffold(this, name, "ZtmHub", COMPONENT, a, "restricted");
    const { labels, ns } = sc;
    const pvc = persistentClaim(
      `${name}-data`,
      { namespace: ns.name, labels, persistence: a.persistence, accessMode: "ReadWriteOnce" },
      this,
    );
    const base = {
      image: a.image,
      imagePullPolicy: "IfNotPresent",
      env: [{ name: "HOME", value: "/tmp" }],
      securityContext: containerSecurityContext(ZTM_USER),
    };
    const mounts = [
      { name: "data", mountPath: "/data" },
      { name: "tmp", mountPath: "/tmp" },
    ];
    const caImport = a.ca
      ? [
          {
            ...base,
            name: "import-ca",
            command: [
              "/bin/sh",
              "-c",
              caImportScript(
                { data: "/data", cert: "/ca/cert.pem", key: "/ca/key.pem" },
                { rotate: a.ca.rotate },
              ),
            ],
            volumeMounts: [...mounts, { name: "ca", mountPath: "/ca", readOnly: true }],
            resources: a.resources,
          },
        ]
      : [];
    const probe = { tcpSocket: { port: a.port } };
    const deployment = singlePodDeployment(
      name,
      {
        namespace: ns.name,
        labels,
        selector: selectorLabels(COMPONENT, name),
        replicas: a.replicas,
        podSpec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(ZTM_USER),
          ...(caImport.length > 0 ? { initContainers: caImport } : {}),
          containers: [
            {
              ...base,
              name: "hub",
              command: hubCommand(a),
              ports: [{ name: "hub", containerPort: a.port, protocol: "TCP" }],
              volumeMounts: [...mounts, { name: "permit", mountPath: "/permit" }],
              resources: a.resources,
              // Every hub endpoint requires mTLS, so the probes only check that the port accepts.
              startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 60 },
              readinessProbe: { ...probe, periodSeconds: 10 },
              livenessProbe: { ...probe, periodSeconds: 20, failureThreshold: 3 },
            },
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            // The hub writes a fresh root permit here on every start; it stays in the pod.
            { name: "permit", emptyDir: { sizeLimit: "1Mi" } },
            ...(a.ca
              ? [
                  {
                    name: "ca",
                    secret: {
                      secretName: a.ca.existingSecret.name,
                      defaultMode: 0o440,
                      items: [
                        { key: a.ca.existingSecret.certKey, path: "cert.pem" },
                        { key: a.ca.existingSecret.keyKey, path: "key.pem" },
                      ],
                    },
                  },
                ]
              : []),
          ],
        },
      },
      { parent: this },
    );
    const ports = [...new Set(a.names.map((n) => parseHostPort(n)?.port ?? a.port))];
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: {
          name,
          namespace: ns.name,
          labels,
          ...(Object.keys(a.service.annotations).length > 0
            ? { annotations: a.service.annotations }
            : {}),
        },
        spec: {
          ...exposureSpec(a.service),
          selector: selectorLabels(COMPONENT, name),
          ports: ports.map((p) => ({
            name: `hub-${p}`,
            port: p,
            targetPort: a.port,
            protocol: "TCP",
          })),
        },
      },
      { parent: this },
    );
    this.namespace = ns.name;
    this.deploymentName = deployment.metadata.name;
    this.serviceName = service.metadata.name;
    this.volumeName = pvc.metadata.name;
    this.bootstraps = a.names;
    this.registerOutputs({
      namespace: this.namespace,
      deploymentName: this.deploymentName,
      serviceName: this.serviceName,
      volumeName: this.volumeName,
      bootstraps: this.bootstraps,
    });
  }
}
