import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SecretString } from "./secret-string";
import { ZeroportInputError } from "./validation";

/**
 * A secret input as an Output that fails with a {@link ZeroportInputError} when the resolved value
 * is malformed: how values given as Outputs get the same checks as plain strings.
 */
export function checkedSecretValue(
  value: SecretString,
  check: (v: string) => string[],
  path: string,
  subject: string,
): pulumi.Output<string> {
  return pulumi.output(value).apply((v) => {
    const problems = check(v);
    if (problems.length > 0)
      throw new ZeroportInputError(
        subject,
        problems.map((reason) => ({ path, reason })),
      );
    return v.trim();
  });
}

/** A Kubernetes Secret holding one value under one key; the value travels as a Pulumi secret. */
export function secretFromValue(
  resourceName: string,
  args: {
    secretName: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    key: string;
    value: pulumi.Input<string>;
  },
  parent: pulumi.Resource,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    resourceName,
    {
      metadata: { name: args.secretName, namespace: args.namespace, labels: args.labels },
      type: "Opaque",
      stringData: { [args.key]: pulumi.secret(args.value) },
    },
    { parent },
  );
}
