// Known-good objects; each test changes one field.
import type { KubeObject } from "../../policy/model";

export function service(
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop", ...metadata },
    spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}

export function podSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    containers: [{ name: "app", image: "app:1.0", ports: [{ containerPort: 8080 }] }],
    ...overrides,
  };
}

export function deployment(
  spec: Record<string, unknown> = podSpec(),
  metadata: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", ...metadata },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec },
    },
  };
}

export function cronJob(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "nightly", namespace: "ops" },
    spec: { schedule: "0 0 * * *", jobTemplate: { spec: { template: { spec } } } },
  };
}

export function pod(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "shop" }, spec };
}
