/**
 * The shape of the fields the exposure rules read, checked before judging a manifest from a file:
 * a value the API server could not decode into its Go type (`containers: [null]`, a number where a
 * list belongs, a string port) is a malformed input, reported with its field path, never a crash.
 * `null` stands for an unset field, as it does for the API server.
 */
import { z } from "zod";
import { podSpecPath } from "../policy/pod-spec-paths";

const Int = z.number().int();
const Strings = z.array(z.string()).nullish();
const ContainerPort = z
  .object({
    containerPort: Int.nullish(),
    hostPort: Int.nullish(),
    protocol: z.string().nullish(),
    name: z.string().nullish(),
  })
  .passthrough();
const Containers = z
  .array(
    z.object({ name: z.string().nullish(), ports: z.array(ContainerPort).nullish() }).passthrough(),
  )
  .nullish();
const PodSpec = z
  .object({
    hostNetwork: z.boolean().nullish(),
    containers: Containers,
    initContainers: Containers,
    ephemeralContainers: Containers,
  })
  .passthrough();
const ServiceSpec = z
  .object({
    type: z.string().nullish(),
    ports: z
      .array(
        z
          .object({ port: Int.nullish(), nodePort: Int.nullish(), protocol: z.string().nullish() })
          .passthrough(),
      )
      .nullish(),
    externalIPs: Strings,
    loadBalancerSourceRanges: Strings,
    allocateLoadBalancerNodePorts: z.boolean().nullish(),
    externalTrafficPolicy: z.string().nullish(),
    healthCheckNodePort: Int.nullish(),
  })
  .passthrough();
const Metadata = z
  .object({
    name: z.string().nullish(),
    namespace: z.string().nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
    labels: z.record(z.string(), z.string()).nullish(),
  })
  .passthrough();

/** A schema for the path `at` (object keys, outermost first) holding `leaf`. */
function nested(at: readonly string[], leaf: z.ZodType): z.ZodType {
  return at.reduceRight<z.ZodType>(
    (inner, key) => z.object({ [key]: inner.nullish() }).passthrough(),
    leaf,
  );
}

const METADATA_SHAPE = z.object({ metadata: Metadata.nullish() }).passthrough();
const SERVICE_SHAPE = nested(["spec"], ServiceSpec);
/** Built once per kind: schema construction costs more than the parse. */
const POD_SHAPES = new Map<string, z.ZodType>();

function shapesFor(kind: string): z.ZodType[] {
  const shapes: z.ZodType[] = [METADATA_SHAPE];
  if (kind === "Service") shapes.push(SERVICE_SHAPE);
  const podPath = podSpecPath(kind);
  if (podPath) {
    let shape = POD_SHAPES.get(kind);
    if (!shape) POD_SHAPES.set(kind, (shape = nested(podPath, PodSpec)));
    shapes.push(shape);
  }
  return shapes;
}

/** Problems with the fields the rules read, as `path: what it must be`; empty when none. */
export function shapeProblems(obj: Record<string, unknown>): string[] {
  return shapesFor(String(obj.kind)).flatMap((schema) => {
    const r = schema.safeParse(obj);
    return r.success
      ? []
      : r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${describeIssue(i)}`);
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type")
    return `must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
  return issue.message;
}
