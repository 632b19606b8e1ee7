/**
 * Which line of a chart's template sets an exposing field, and which values key (and where it
 * is set) feeds that line: the place a reviewer changes. Traced only where the field's own line
 * in the template names a value (`type: {{ .Values.service.type }}`); a value reached through
 * `with`, `toYaml` or a helper is left untraced, and the finding points at the template.
 */
import * as fs from "node:fs";
import * as YAML from "yaml";

export interface Trace {
  /** The template line (1-based) that sets the field. */
  line: number;
  /** The values key that line reads, such as `service.type`. */
  key?: string;
  /** Where the key's value is set: a values file and line, or `--set`. */
  setIn?: { file: string; line: number } | "--set";
}

const VALUE_REF = /\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/;

/** The first line that sets one of `fields` (preferring one that reads a value), in order. */
export function fieldLine(
  template: string,
  fields: readonly string[],
): { line: number; key?: string } | undefined {
  const lines = template.split("\n");
  for (const field of fields) {
    const setting = new RegExp(`^\\s*(?:-\\s+)?${field}:`);
    const hits = lines.flatMap((l, i) => (setting.test(l) ? [i] : []));
    const withValue = hits.find((i) => VALUE_REF.test(lines[i] ?? ""));
    const at = withValue ?? hits[0];
    if (at !== undefined) return { line: at + 1, key: VALUE_REF.exec(lines[at] ?? "")?.[1] };
  }
  return undefined;
}

/** The line (1-based) of a dotted key in a YAML values text, or undefined. */
export function keyLine(text: string, key: string): number | undefined {
  let node: unknown = YAML.parseDocument(text).contents;
  let offset: number | undefined;
  for (const segment of key.split(".")) {
    if (!YAML.isMap(node)) return undefined;
    const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === segment);
    if (!pair) return undefined;
    offset = YAML.isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    node = pair.value;
  }
  return offset === undefined ? undefined : text.slice(0, offset).split("\n").length;
}

/** Where a key is set: the last `--set` of it, else the last values file that holds it. */
export function whereSet(
  key: string,
  valuesFiles: readonly string[],
  set: readonly string[],
): Trace["setIn"] {
  if (set.some((s) => s.split(",").some((kv) => kv.split("=")[0] === key))) return "--set";
  for (const file of [...valuesFiles].reverse()) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const line = keyLine(text, key);
    if (line !== undefined) return { file, line };
  }
  return undefined;
}

/** The trace for one finding in a template; undefined when no line sets any of `fields`. */
export function trace(
  templateFile: string,
  fields: readonly string[],
  valuesFiles: readonly string[],
  set: readonly string[],
): Trace | undefined {
  let template: string;
  try {
    template = fs.readFileSync(templateFile, "utf8");
  } catch {
    return undefined;
  }
  const hit = fieldLine(template, fields);
  if (!hit) return undefined;
  if (!hit.key) return { line: hit.line };
  return { line: hit.line, key: hit.key, setIn: whereSet(hit.key, valuesFiles, set) };
}
