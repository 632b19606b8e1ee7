import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { zitiIdentityArgs, identityContents } from "../core/identity";
import { hasPinnedVersion } from "../core/images";
import { selectorLabels } from "../core/labels";
import { NamespaceArgs } from "../core/namespace";
import { DnsLabel, Labels, Resources } from "../core/schemas";
import {
  containerSecurityContext,
  restrictedPodSecurityContext,
  type RunAs,
} from "../core/security";
import { parseArgs } from "../core/validation";
import { scaffold, scaffoldIdentity } from "../core/scaffold";
import { singlePodDeployment } from "../core/workload";
import { sha256 } from "../core/hash";
import { NGINX_ERROR_LOG, NGINX_IDENTITY_DIR, renderNginxConf } from "./nginx-conf";

export { NGINX_IDENTITY_DIR, renderNginxConf, threadCount } from "./nginx-conf";

export const NGINX_ZITI_INGRESS_TYPE = "zeroport:ziti:NginxZitiIngress";
const COMPONENT = "nginx-ziti";
/** The nginx user of the Debian-based nginx images; the Dockerfile in images/nginx-ziti keeps it. */
const NGINX_USER: RunAs = { uid: 101, gid: 101 };

/**
 * Every line ngx_ziti_module logs when a service stops serving for good (ngx_ziti_module@d23b560f
 * ngx_ziti_module.c:324, :331, :338 "… service thread exiting"; :346 "error returned from accept,
 * exiting") or a block never starts (:451 "could not load identity file"); docs/upstream.md U28.
 */
export const NGINX_ZITI_EXIT_LINES = [
  "service thread exiting",
  "error returned from accept, exiting",
  "could not load identity file",
] as const;

/** True while no ziti block failed to load its identity or stopped serving a service. */
const NO_FAILED_BIND = `! grep -Eq '${NGINX_ZITI_EXIT_LINES.join("|")}' ${NGINX_ERROR_LOG}`;

const NO_IMAGE =
  "is required: there is no official nginx image with the OpenZiti module; build images/nginx-ziti " +
  "(see its README), push it, and pass it here pinned, as `registry/nginx-ziti:1.23.3-1`";

const Bind = z
  .object({
    service: z
      .string()
      .regex(/^[^\s;{}#][^;{}#]*$/, "must be a Ziti service name without ';', '{', '}' or '#'")
      .describe("The Ziti service nginx binds (hosts)."),
    upstream: z
      .string()
      .regex(
        /^[A-Za-z0-9.-]+:\d{1,5}$/,
        "must be host:port (IPv4 or a DNS name; the module resolves it per connection)",
      )
      .describe("Where each Ziti connection is forwarded, for example web.shop.svc:8080."),
  })
  .strict();

/** The arguments of {@link NginxZitiIngress}. */
export const NginxZitiIngressArgsSchema = z
  .object({
    namespace: NamespaceArgs,
    identity: zitiIdentityArgs("identity").describe(
      "An enrolled identity (`json` or an existing Secret): the module does not enroll.",
    ),
    image: z
      .string({ error: NO_IMAGE })
      .min(1, NO_IMAGE)
      .refine((ref) => hasPinnedVersion(ref), "must pin a tag or digest other than `latest`")
      .describe("nginx with ngx_ziti_module (required; build images/nginx-ziti)."),
    modulePath: z
      .string()
      // It is written into nginx.conf: no whitespace, ';', '{', '}', quotes or control characters.
      .regex(
        /^\/[A-Za-z0-9._/+-]+$/,
        "must be an absolute path of letters, digits, '.', '_', '-', '+' and '/'",
      )
      .default("/usr/lib/nginx/modules/ngx_ziti_module.so"),
    binds: z
      .array(Bind)
      .min(1, "must bind at least one Ziti service")
      .describe("Ziti services and their upstreams in the cluster."),
    expectedConnections: z
      .number()
      .int()
      .min(1, "must be at least 1: every client connection holds a pool thread while it lasts")
      .max(4096)
      .default(64)
      .describe("Concurrent client connections to plan threads for."),
    workerConnections: z.number().int().min(16).default(1024),
    blockName: DnsLabel.default("zeroport").describe(
      "The name of the `ziti` block (used in logs).",
    ),
    replicas: z
      .number()
      .int()
      .min(0)
      .max(1, "must be 0 or 1: one Ziti identity belongs in one pod")
      .default(1),
    resources: Resources.default({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "1", memory: "256Mi" },
    }),
    labels: Labels.default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (identityContents(a.identity) === "jwt") {
      ctx.addIssue({
        code: "custom",
        path: ["identity"],
        message:
          "must be an enrolled identity (`json`, or an existing Secret with contents json): the nginx module loads it and cannot enroll a JWT",
      });
    }
    const seen = new Map<string, number>();
    a.binds.forEach((b, i) => {
      const first = seen.get(b.service);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["binds", i, "service"],
          message: `binds the same service as binds[${first}]`,
        });
      else seen.set(b.service, i);
    });
  });

export type NginxZitiIngressArgs = z.input<typeof NginxZitiIngressArgsSchema>;
export type ResolvedNginxZitiIngressArgs = z.output<typeof NginxZitiIngressArgsSchema>;

/**
 * nginx with the OpenZiti module, binding Ziti services to upstreams in the cluster: no Service,
 * no listening port, the identity read-only from a Secret.
 */
export class NginxZitiIngress extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly configMapName: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  readonly nginxConf: string;

  constructor(name: string, args: NginxZitiIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NGINX_ZITI_INGRESS_TYPE, name, {}, opts);
    const a = parseArgs(NginxZitiIngressArgsSchema, args, `NginxZitiIngress ${name}`, { name });
    const sc = scaffold(this, name, "NginxZitiIngress", COMPONENT, a, "restricted");
    const { labels, ns } = sc;
    const identity = scaffoldIdentity(sc, a.identity);
    this.nginxConf = renderNginxConf(a);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `${name}-config`, namespace: ns.name, labels },
        data: { "nginx.conf": this.nginxConf },
      },
      { parent: this },
    );
    const deployment = singlePodDeployment(
      name,
      {
        namespace: ns.name,
        labels,
        selector: selectorLabels(COMPONENT, name),
        replicas: a.replicas,
        podAnnotations: { "zeroport.io/config-checksum": sha256(this.nginxConf) },
        podSpec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(NGINX_USER),
          containers: [
            {
              name: "nginx",
              image: a.image,
              imagePullPolicy: "IfNotPresent",
              // A fresh error log per start, so a restart that binds every service is healthy.
              command: [
                "/bin/sh",
                "-c",
                `rm -f ${NGINX_ERROR_LOG} && exec nginx -g 'daemon off;' -c /etc/nginx/zeroport/nginx.conf`,
              ],
              volumeMounts: [
                { name: "config", mountPath: "/etc/nginx/zeroport", readOnly: true },
                { name: "identity", mountPath: NGINX_IDENTITY_DIR, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
                { name: "cache", mountPath: "/var/cache/nginx" },
              ],
              resources: a.resources,
              securityContext: containerSecurityContext(NGINX_USER),
              // No port to probe: the master must be alive, and no service may have failed to
              // bind (the module logs it, never retries, and nginx keeps running). A restart
              // retries every bind, for example once the service's policies exist.
              livenessProbe: {
                exec: {
                  command: [
                    "/bin/sh",
                    "-c",
                    `kill -0 "$(cat /tmp/nginx.pid)" && ${NO_FAILED_BIND}`,
                  ],
                },
                periodSeconds: 30,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              readinessProbe: {
                exec: { command: ["/bin/sh", "-c", NO_FAILED_BIND] },
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 1,
              },
            },
          ],
          volumes: [
            {
              name: "config",
              configMap: { name: configMap.metadata.name, defaultMode: 0o444 },
            },
            {
              name: "identity",
              secret: {
                secretName: identity.name,
                defaultMode: 0o440,
                items: [{ key: identity.key, path: "identity.json" }],
              },
            },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            { name: "cache", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
      { parent: this, dependsOn: identity.secret ? [identity.secret] : [] },
    );
    this.namespace = ns.name;
    this.deploymentName = deployment.metadata.name;
    this.configMapName = configMap.metadata.name;
    this.secretName = identity.name;
    this.registerOutputs({
      namespace: this.namespace,
      deploymentName: this.deploymentName,
      configMapName: this.configMapName,
      secretName: this.secretName,
    });
  }
}
