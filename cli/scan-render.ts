/**
 * Charts and kustomizations in a scan: rendered by the real tools (sources/render.ts), each
 * rendered document judged as a file of its own named after its template, and each finding
 * pointed at the template line that sets the exposing field and the values key that feeds it.
 * Without the tool a chart is left unrendered with a note naming what to install, or, under
 * --require-render, reported as a problem (exit 2).
 */
import * as path from "node:path";
import type { Source } from "../sources/discover";
import { type HelmOptions, render } from "../sources/render";
import { type Bounds, DEFAULT_BOUNDS } from "../sources/tools";
import { trace } from "../sources/values-trace";
import { UsageError } from "../reader/input";
import type { ScanTally } from "./scan-files";
import type { ScanVerdict } from "./scan-report";

export interface RenderOptions {
  helm: HelmOptions;
  bounds: Bounds;
  /** A source that cannot be rendered makes the scan incomplete (exit 2) instead of a note. */
  requireRender: boolean;
}

export const DEFAULT_RENDERING: RenderOptions = {
  helm: { values: [], set: [] },
  bounds: DEFAULT_BOUNDS,
  requireRender: false,
};

/** The fields each rule reads, most telling first: where a finding's template line is sought. */
const FIELDS: Record<string, string[]> = {
  "no-nodeport-services": ["type", "nodePort"],
  "no-loadbalancer-node-ports": ["allocateLoadBalancerNodePorts", "type"],
  "loadbalancer-source-ranges": ["loadBalancerSourceRanges", "type"],
  "no-service-external-ips": ["externalIPs"],
  "no-host-ports": ["hostPort"],
  "host-network-pods": ["hostNetwork"],
  "no-host-network-listeners": ["hostNetwork"],
  "zero-exposure": ["type", "nodePort", "hostNetwork", "hostPort", "externalIPs"],
};

/** A finding in a template, moved to the line that sets its field, with the values key named. */
function traced(v: ScanVerdict, chartDir: string, options: HelmOptions): ScanVerdict {
  const fields = FIELDS[v.policy];
  if (!fields) return v;
  const t = trace(
    v.file,
    fields,
    [path.join(chartDir, "values.yaml"), ...options.values],
    options.set,
  );
  if (!t) return v;
  if (!t.key) return { ...v, line: t.line };
  const where =
    t.setIn === undefined
      ? "the template's default"
      : t.setIn === "--set"
        ? "--set"
        : `${t.setIn.file}:${t.setIn.line}`;
  return {
    ...v,
    line: t.line,
    message: `${v.message} (values key \`${t.key}\`, set in ${where})`,
    ...(t.setIn !== undefined && t.setIn !== "--set"
      ? { values: { key: t.key, file: t.setIn.file, line: t.setIn.line } }
      : {}),
  };
}

/**
 * Renders and judges one chart or kustomization: "judged", "problem" (counted as a document),
 * or "missing" when its tool is not there and --require-render is off (only a note is left).
 */
export function judgeRendered(
  source: Exclude<Source, { kind: "file" }>,
  options: RenderOptions,
  judgeDocument: (text: string, file: string, firstIndex: number) => void,
  tally: ScanTally,
): "judged" | "problem" | "missing" {
  const what = source.kind === "chart" ? "Helm chart" : "kustomization";
  const rendered = render(source, options.helm, options.bounds);
  if ("library" in rendered) {
    (tally.notes ??= []).push(
      `${source.dir}: a library chart, which deploys nothing: not rendered`,
    );
    return "missing";
  }
  if ("error" in rendered) {
    const line = `${source.dir}: ${what} not rendered: ${rendered.error}`;
    if (rendered.missing && !options.requireRender) {
      const fallback =
        source.kind === "kustomization"
          ? "the files below it are read as plain manifests"
          : "its objects were not judged";
      (tally.notes ??= []).push(`${line}; ${fallback} (--require-render makes this an error)`);
      return "missing";
    }
    tally.problems.push(line);
    return "problem";
  }
  (tally.notes ??= []).push(`${source.dir}: ${what} rendered in ${rendered.ms} ms`);
  const next = new Map<string, number>();
  for (const doc of rendered.documents) {
    const before = tally.verdicts.length;
    const judged = tally.judged.length;
    try {
      judgeDocument(doc.text, doc.source, next.get(doc.source) ?? 0);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      tally.problems.push(...e.lines);
      continue;
    }
    next.set(doc.source, (next.get(doc.source) ?? 0) + tally.judged.length - judged);
    if (source.kind === "chart")
      for (let i = before; i < tally.verdicts.length; i++)
        tally.verdicts[i] = traced(tally.verdicts[i], source.dir, options.helm);
  }
  return "judged";
}
