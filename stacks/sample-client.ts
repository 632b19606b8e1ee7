import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ImageRef } from "../components/core/images";
import { DnsLabel } from "../components/core/schemas";
import {
  NOBODY,
  containerSecurityContext,
  restrictedPodSecurityContext,
} from "../components/core/security";

/** A pinned curl image for the sample clients. */
export const CURL_IMAGE = "docker.io/curlimages/curl:8.11.1";

/** A small workload that calls a URL every 30 seconds and logs the outcome: the thing to watch. */
export const SampleClientArgs = z
  .object({
    name: DnsLabel.default("ziti-client"),
    url: z
      .string()
      .url("must be a URL such as http://hello.ziti.internal/")
      .describe("What the client calls."),
    image: ImageRef.default(CURL_IMAGE),
  })
  .strict();
export type SampleClientArgs = z.output<typeof SampleClientArgs>;

/**
 * The sample client Deployment. `inject` rewrites its props before creation (a sidecar's
 * `injectWorkload`), which is what a sidecar's transform does to a user's own workloads.
 */
export function sampleClient(
  args: SampleClientArgs,
  namespace: string,
  opts: pulumi.CustomResourceOptions = {},
  inject: (props: Record<string, unknown>) => Record<string, unknown> = (p) => p,
): k8s.apps.v1.Deployment {
  const labels = { app: args.name, "app.kubernetes.io/part-of": "zeroport-sample" };
  const props = inject({
    metadata: { name: args.name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: args.name } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(NOBODY),
          containers: [
            {
              name: "client",
              image: args.image,
              command: [
                "/bin/sh",
                "-c",
                'while true; do curl -sS -o /dev/null -w "%{http_code}\\n" --max-time 10 "$URL" || true; sleep 30; done',
              ],
              env: [{ name: "URL", value: args.url }],
              resources: {
                requests: { cpu: "5m", memory: "16Mi" },
                limits: { cpu: "100m", memory: "64Mi" },
              },
              securityContext: containerSecurityContext(NOBODY),
            },
          ],
        },
      },
    },
  });
  return new k8s.apps.v1.Deployment(args.name, props, opts);
}
