/** The label keys zeroport puts on everything it creates. */
export const MANAGED_BY = "zeroport";

/** Labels that select a component's pods: stable for the life of the component. */
export function selectorLabels(component: string, instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": component,
    "app.kubernetes.io/instance": instance,
  };
}

/**
 * The recommended Kubernetes labels (app.kubernetes.io/*) plus the user's own. The selector
 * labels come last so that user labels can never break a workload's selector.
 */
export function standardLabels(
  component: string,
  instance: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "zeroport",
    "app.kubernetes.io/managed-by": MANAGED_BY,
    ...extra,
    ...selectorLabels(component, instance),
  };
}
