import * as pulumi from "@pulumi/pulumi";
import {
  injectIntoWorkload,
  injectionTransform,
  type Injection,
  type PodSpec,
  type WorkloadContext,
  type WorkloadSelector,
} from "./injection";

/**
 * What every sidecar component hands its users: the pure pod-spec function, the per-workload
 * function and the transform. Subclasses build the {@link Injection} and call {@link attach}.
 */
export abstract class SidecarComponent extends pulumi.ComponentResource {
  /** Adds the sidecar to a pod spec of a workload in the component's namespace. */
  injectPodSpec!: (spec: PodSpec, workload: WorkloadContext) => PodSpec;
  /** Injects into one workload's props (kind as in the API, for example `Deployment`), whatever `select` says. */
  injectWorkload!: (kind: string, props: Record<string, unknown>) => Record<string, unknown>;
  /** Injects into the workloads `select` picks; pass it to a resource's or a chart's `transforms`. */
  transform!: pulumi.ResourceTransform;
  /** The labels injected pods carry. */
  podLabels!: Record<string, string>;

  protected attach(
    injection: Injection,
    select: WorkloadSelector | undefined,
    namespace: string,
    subject: string,
  ): void {
    this.injectPodSpec = (spec, workload) => injection.inject(spec, workload);
    this.injectWorkload = (kind, props) =>
      injectIntoWorkload(kind, props, injection, undefined, namespace) ?? props;
    this.podLabels = injection.podLabels;
    this.transform = select
      ? injectionTransform(injection, select, namespace)
      : () => {
          throw new Error(`${subject}: set \`select\` to use its transform`);
        };
  }
}
