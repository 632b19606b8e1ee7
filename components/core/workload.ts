import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A Deployment that runs one pod at a time with the `Recreate` strategy: one Ziti identity or one
 * ReadWriteOnce volume never has the old and the new pod side by side during an update.
 * `podAnnotations` carry config checksums, so a config change restarts the pod.
 */
export function singlePodDeployment(
  name: string,
  args: {
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    selector: Record<string, string>;
    replicas: number;
    podAnnotations?: Record<string, pulumi.Input<string>>;
    podSpec: k8s.types.input.core.v1.PodSpec;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.Deployment {
  const annotations = args.podAnnotations ?? {};
  return new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name, namespace: args.namespace, labels: args.labels },
      spec: {
        replicas: args.replicas,
        strategy: { type: "Recreate" },
        selector: { matchLabels: args.selector },
        template: {
          metadata: {
            labels: args.labels,
            ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
          },
          spec: args.podSpec,
        },
      },
    },
    opts,
  );
}
