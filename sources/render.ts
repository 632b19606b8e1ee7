/**
 * Charts and kustomizations rendered by the real tools, as `helm template` and
 * `kustomize build` print them, and cut into documents that each name the file they came from:
 * the template (helm's `# Source:` line) or the kustomization.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Source } from "./discover";
import { type Bounds, HELM, KUSTOMIZE, locate, runBounded } from "./tools";

export interface RenderedDocument {
  /** The file the document came from: a chart's template, or the kustomization file. */
  source: string;
  text: string;
}

export interface HelmOptions {
  /** Values files (`helm template --values`), in order: a later one wins. */
  values: string[];
  /** `--set key=value` pairs. */
  set: string[];
}

export type Rendered =
  | { documents: RenderedDocument[]; ms: number }
  | { error: string; missing?: boolean }
  | { library: true };

/** A library chart (`type: library`) only lends templates to others: helm refuses to render it. */
export function isLibraryChart(dir: string): boolean {
  try {
    const chart = fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8");
    return /^type:\s*["']?library["']?\s*$/m.test(chart);
  } catch {
    return false;
  }
}

export function helmArgs(dir: string, options: HelmOptions): string[] {
  return [
    "template",
    dir,
    ...options.values.flatMap((v) => ["--values", path.resolve(v)]),
    ...options.set.flatMap((s) => ["--set", s]),
  ];
}

/**
 * `helm template` output cut at its `---` lines; each document's `# Source: <chart>/<path>` names
 * its template, which is `<path>` below the chart's directory (the chart's name may differ from
 * its directory's).
 */
export function splitHelmOutput(output: string, chartDir: string): RenderedDocument[] {
  return output
    .split(/^---[ \t]*$/m)
    .map((text) => {
      const source = /^# Source: [^/\n]+\/(.+)$/m.exec(text)?.[1];
      return {
        source: source ? path.join(chartDir, source) : path.join(chartDir, "Chart.yaml"),
        text,
      };
    })
    .filter((d) => /\S/.test(d.text.replace(/^#.*$/gm, "")));
}

/** Renders one chart or kustomization; an error names the source and what went wrong. */
export function render(
  source: Exclude<Source, { kind: "file" }>,
  helm: HelmOptions,
  bounds: Bounds,
): Rendered {
  if (source.kind === "chart" && isLibraryChart(source.dir)) return { library: true };
  const t = locate(source.kind === "chart" ? HELM : KUSTOMIZE);
  if (typeof t === "string") return { error: t, missing: true };
  const args = source.kind === "chart" ? helmArgs(source.dir, helm) : ["build", source.dir];
  const r = runBounded(t.path, args, process.cwd(), bounds);
  if ("error" in r) return r;
  const documents =
    source.kind === "chart"
      ? splitHelmOutput(r.output, source.dir)
      : [{ source: source.file, text: r.output }];
  return { documents, ms: r.ms };
}
