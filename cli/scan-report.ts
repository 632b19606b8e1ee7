/**
 * `zeroport scan` reports for people and pipelines: text, JSON, SARIF 2.1.0 (GitHub code scanning
 * and other SARIF consumers) and JUnit XML (CI test reports). Every format carries the same
 * verdicts, with stable rule ids (the pack's policy names) and file/line locations.
 */
import * as path from "node:path";
import type * as Sarif from "sarif";
import { printable } from "../base/printable";
import { EXEMPTION_ANNOTATION, type EnforcementLevel } from "../policy/model";
import { EXPOSURE_EXEMPTIONS, RESOURCE_POLICIES, ZERO_EXPOSURE } from "../policy/rules";

/** One verdict, as `zeroport scan --format json` prints it. */
export interface ScanVerdict {
  policy: string;
  level: EnforcementLevel;
  kind: string;
  namespace: string | null;
  name: string | null;
  message: string;
  file: string;
  /** The line the object's YAML document starts on (in a chart, the template line that sets it). */
  line: number;
  index: number;
  /** In a chart: the values key that set the exposing field, and where it is set. */
  values?: { key: string; file: string; line: number };
}

export type ScanFormat = "text" | "json" | "sarif" | "junit";
export const SCAN_FORMATS: readonly ScanFormat[] = ["text", "json", "sarif", "junit"];
/** Which verdicts fail the run (exit 1): the mandatory ones (default), any finding, or none. */
export type FailOn = "mandatory" | "advisory" | "none";
export const FAIL_ON: readonly FailOn[] = ["mandatory", "advisory", "none"];

/** Mandatory and remediate verdicts block: a scan cannot remediate, so it reports them as failures. */
export function isBlocking(v: Pick<ScanVerdict, "level">): boolean {
  return v.level === "mandatory" || v.level === "remediate";
}

export function fails(verdicts: readonly ScanVerdict[], failOn: FailOn): boolean {
  if (failOn === "none") return false;
  return failOn === "advisory" ? verdicts.length > 0 : verdicts.some(isBlocking);
}

const subject = (v: ScanVerdict) =>
  `${v.kind} ${v.namespace ? `${v.namespace}/` : ""}${v.name ?? "(unnamed)"}`;

/** What else a scan met: files that are not manifests, and files it could not read. */
export interface InputNotes {
  skipped: number;
  problems: readonly string[];
}

/** A value from the input (a file or object name) on one line: control and line-break characters escaped. */
const oneLine = (text: string) => printable(text, Number.MAX_SAFE_INTEGER);

function text(verdicts: readonly ScanVerdict[], objects: number, notes: InputNotes): string {
  const lines = verdicts.map(
    (v) => `${oneLine(v.file)}#${v.index}: ${v.level}: ${v.policy}: ${oneLine(v.message)}`,
  );
  const blocking = verdicts.filter(isBlocking).length;
  lines.push(
    `${objects} object(s) judged: ${blocking} mandatory violation(s), ${verdicts.length - blocking} advisory finding(s)` +
      (notes.skipped > 0 ? `; ${notes.skipped} file(s) skipped, not Kubernetes manifests` : "") +
      (notes.problems.length > 0
        ? `; ${notes.problems.length} input problem(s), on stderr: the scan is incomplete`
        : ""),
  );
  return `${lines.join("\n")}\n`;
}

const RULES = [...RESOURCE_POLICIES, ZERO_EXPOSURE, EXPOSURE_EXEMPTIONS];

function sarif(verdicts: readonly ScanVerdict[], version: string, notes: InputNotes): string {
  const log: Sarif.Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: {
          driver: {
            name: "zeroport",
            version,
            informationUri: "https://github.com/zeroport/zeroport",
            rules: RULES.map((r) => ({
              id: r.name,
              name: r.name,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: {
                text: `${r.description} Exempt one object with the annotation ${EXEMPTION_ANNOTATION}: "<reason>", or a namespace with exemptNamespaces in the pack config.`,
              },
              defaultConfiguration: { level: r.defaultLevel === "advisory" ? "warning" : "error" },
              properties: { severity: r.severity },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: notes.problems.length === 0,
            toolExecutionNotifications: notes.problems.map((p) => ({
              level: "error" as const,
              message: { text: p },
            })),
          },
        ],
        results: verdicts.map((v) => ({
          ruleId: v.policy,
          ruleIndex: RULES.findIndex((r) => r.name === v.policy),
          level: isBlocking(v) ? "error" : "warning",
          message: { text: v.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(v.file) },
                region: { startLine: v.line },
              },
              logicalLocations: [{ name: subject(v), kind: "object" }],
            },
          ],
          ...(v.values
            ? {
                relatedLocations: [
                  {
                    id: 1,
                    message: { text: `values key ${v.values.key}` },
                    physicalLocation: {
                      artifactLocation: { uri: artifactUri(v.values.file) },
                      region: { startLine: v.values.line },
                    },
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

const ENTITIES: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  '"': "&quot;",
  "'": "&apos;",
  // Kept as characters, not normalised to spaces, when a parser reads an attribute.
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/**
 * Text as XML 1.0 character data or attribute value: markup escaped, and the characters XML 1.0
 * cannot carry at all (C0 controls but tab, CR and LF, lone surrogates, U+FFFE and U+FFFF; no
 * character reference may name them) written as a visible `\u{…}` instead.
 */
export function xmlText(s: string): string {
  // Most names need nothing: one scan by code unit (any surrogate, paired or not, takes the
  // careful path) instead of a Unicode-aware replace, so a report of 100,000 objects stays fast.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (!/[<>&"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/.test(s)) return s;
  return s.replace(
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    /[<>&"'\t\n\r]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Surrogate}/gu,
    (c) => ENTITIES[c] ?? `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
}

/**
 * A file name as a SARIF artifact URI: a relative reference, slash-separated, each segment
 * percent-encoded (RFC 3986), so that spaces, `%`, `#`, `?`, a colon in the first segment or a
 * control character cannot change what the URI means.
 */
export function artifactUri(file: string, cwd = process.cwd()): string {
  if (file === "-") return "stdin";
  return path
    .relative(cwd, file)
    .split(path.sep)
    .map((segment) =>
      encodeURIComponent(segment.replace(/\p{Surrogate}/gu, "\ufffd")).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join("/");
}

/** One test case per judged object; its blocking verdicts are failures, the rest system-out. */
function junit(
  verdicts: readonly ScanVerdict[],
  objects: readonly { file: string; index: number; kind: string; name: string }[],
  notes: InputNotes,
): string {
  // Verdicts by object, once: a lookup per object keeps the report linear in the objects.
  const byObject = new Map<string, Map<number, ScanVerdict[]>>();
  for (const v of verdicts) {
    let inFile = byObject.get(v.file);
    if (!inFile) byObject.set(v.file, (inFile = new Map<number, ScanVerdict[]>()));
    const list = inFile.get(v.index);
    if (list) list.push(v);
    else inFile.set(v.index, [v]);
  }
  let failed = 0;
  const cases: string[] = [];
  for (const o of objects) {
    const own = byObject.get(o.file)?.get(o.index);
    cases.push(
      `    <testcase classname="${xmlText(o.file)}" name="${xmlText(`${o.kind} ${o.name}`)}">`,
    );
    if (own) {
      const notes: string[] = [];
      let blocking = false;
      for (const v of own) {
        if (isBlocking(v)) {
          blocking = true;
          cases.push(
            `      <failure type="${xmlText(v.policy)}" message="${xmlText(v.message)}"/>`,
          );
        } else notes.push(`${v.level}: ${v.policy}: ${v.message}`);
      }
      if (blocking) failed += 1;
      if (notes.length > 0)
        cases.push(`      <system-out>${xmlText(notes.join("\n"))}</system-out>`);
    }
    cases.push("    </testcase>");
  }
  // An input that could not be read is a test case in error.
  const errors = notes.problems.map(
    (p) =>
      `    <testcase classname="zeroport input" name="${xmlText(p.split(": ")[0] ?? p)}">\n      <error message="${xmlText(p)}"/>\n    </testcase>`,
  );
  const tests = objects.length + errors.length;
  const counts = `tests="${tests}" failures="${failed}" errors="${errors.length}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="zeroport scan" ${counts}>`,
    `  <testsuite name="zeroport exposure rules" ${counts}>`,
    ...cases,
    ...errors,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** The report in `format`. */
export function report(
  format: ScanFormat,
  verdicts: readonly ScanVerdict[],
  objects: readonly { file: string; index: number; kind: string; name: string }[],
  version: string,
  notes: InputNotes = { skipped: 0, problems: [] },
): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(verdicts, null, 2)}\n`;
    case "sarif":
      return sarif(verdicts, version, notes);
    case "junit":
      return junit(verdicts, objects, notes);
    case "text":
      return text(verdicts, objects.length, notes);
  }
}
