import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DnsSubdomain, Quantity } from "./schemas";

/** A persistent volume's size and class; for a volume that is optional. */
export function persistenceObject(defaultSize: string) {
  return z
    .object({
      size: Quantity.default(defaultSize).describe("The volume size."),
      storageClassName: DnsSubdomain.optional().describe(
        "The storage class; the cluster default if unset.",
      ),
    })
    .strict();
}

/** A persistent volume's size and class, with the component's default size. */
export function persistenceArgs(defaultSize: string) {
  return persistenceObject(defaultSize).default({ size: defaultSize });
}
export type Persistence = z.output<ReturnType<typeof persistenceObject>>;

/** A PersistentVolumeClaim named `name` for state a component must not lose on restart or upgrade. */
export function persistentClaim(
  name: string,
  args: {
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    persistence: Persistence;
    accessMode: "ReadWriteOnce" | "ReadWriteMany";
  },
  parent: pulumi.Resource,
): k8s.core.v1.PersistentVolumeClaim {
  const { size, storageClassName } = args.persistence;
  return new k8s.core.v1.PersistentVolumeClaim(
    name,
    {
      metadata: { name, namespace: args.namespace, labels: args.labels },
      spec: {
        accessModes: [args.accessMode],
        resources: { requests: { storage: size } },
        ...(storageClassName ? { storageClassName } : {}),
      },
    },
    { parent },
  );
}
