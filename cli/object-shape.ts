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
const ContainerPort = z.object({
  containerPort: Int.nullish(),
  hostPort: Int.nullish(),
  protocol: z.string().nullish(),
  name: z.string().nullish(),
});
const Containers = z
  .array(z.object({ name: z.string().nullish(), ports: z.array(ContainerPort).nullish() }))
  .nullish();
const PodSpec = z.object({
  hostNetwork: z.boolean().nullish(),
  containers: Containers,
  initContainers: Containers,
  ephemeralContainers: Containers,
});
const ServiceSpec = z.object({
  type: z.string().nullish(),
  ports: z
    .array(
      z.object({ port: Int.nullish(), nodePort: Int.nullish(), protocol: z.string().nullish() }),
    )
    .nullish(),
  externalIPs: Strings,
  loadBalancerSourceRanges: Strings,
  allocateLoadBalancerNodePorts: z.boolean().nullish(),
  externalTrafficPolicy: z.string().nullish(),
  healthCheckNodePort: Int.nullish(),
});
const Metadata = z.object({
  name: z.string().nullish(),
  namespace: z.string().nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
  labels: z.record(z.string(), z.string()).nullish(),
});

/** A schema for the path `at` (object keys, outermost first) holding `leaf`. */
function nested(at: readonly string[], leaf: z.ZodType): z.ZodType {
  return at.reduceRight<z.ZodType>((inner, key) => z.object({ [key]: inner.nullish() }), leaf);
}

/** One schema per kind, built once: schema construction costs more than a parse. */
const SHAPES = new Map<string, z.ZodType>();

function shapeFor(kind: string): z.ZodType {
  let shape = SHAPES.get(kind);
  if (shape) return shape;
  const podPath = podSpecPath(kind);
  const fields: Record<string, z.ZodType> = { metadata: Metadata.nullish() };
  if (kind === "Service") fields.spec = ServiceSpec.nullish();
  const [top, ...below] = podPath ?? [];
  if (top !== undefined) fields[top] = nested(below, PodSpec).nullish();
  shape = z.object(fields);
  SHAPES.set(kind, shape);
  return shape;
}

/** Problems with the fields the rules read, as `path: what it must be`; empty when none. */
export function shapeProblems(obj: Record<string, unknown>): string[] {
  const r = shapeFor(String(obj.kind)).safeParse(obj);
  return r.success
    ? []
    : r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${describeIssue(i)}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type")
    return `must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
  return issue.message;
}
