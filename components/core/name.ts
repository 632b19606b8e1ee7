import type { InputIssue } from "./issues";

/**
 * A component's name prefixes its objects and is the `app.kubernetes.io/instance` label value:
 * a DNS-1123 label of at most 63 characters; where it also names a Service, a DNS-1035 label
 * (starting with a letter), as the API server requires.
 */
export function componentNameIssues(name: string, serviceName: boolean): InputIssue[] {
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const reasons = [
    ...(label.test(name)
      ? []
      : [
          "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        ]),
    ...(name.length > 63
      ? [`must be at most 63 characters (it is ${name.length}): it is a label value`]
      : []),
    ...(serviceName && !/^[a-z]/.test(name)
      ? ["must start with a letter: it also names a Service (DNS-1035)"]
      : []),
  ];
  return reasons.map((reason) => ({ path: "(name)", reason }));
}
