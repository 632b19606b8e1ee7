// Pipeline formats: SARIF 2.1.0 checked against the official schema (shipped with Microsoft's
// @microsoft/jest-sarif), JUnit XML read back by a strict XML 1.0 parser, SARIF URIs read by a URI
// parser, and the --fail-on threshold.
import "@microsoft/jest-sarif";
import * as path from "node:path";
import * as fc from "fast-check";
import * as FastUri from "fast-uri";
import type * as Sarif from "sarif";
import { SaxesParser } from "saxes";
import { artifactUri, report, type ScanVerdict } from "../../cli/scan-report";
import { RESOURCE_POLICIES } from "../../policy/rules";
import { run, tempFile } from "./helpers";

const FILE = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: NodePort, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: shop}
spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, externalTrafficPolicy: Local, loadBalancerSourceRanges: [203.0.113.0/24], ports: [{port: 443}]}
`;

describe("--format sarif", () => {
  test("is a valid SARIF 2.1.0 log with rule metadata, help and file/line regions", async () => {
    const file = tempFile("svc.yaml", FILE);
    const r = await run("scan", "--format", "sarif", file);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(log).toBeValidSarifLog();
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules?.map((x) => x.id)).toEqual(
      expect.arrayContaining(RESOURCE_POLICIES.map((p) => p.name)),
    );
    expect(run0.tool.driver.rules?.every((x) => x.help?.text && x.shortDescription?.text)).toBe(
      true,
    );
    const nodePort = run0.results?.find((x) => x.ruleId === "no-nodeport-services");
    expect(nodePort).toMatchObject({
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: path.relative(process.cwd(), file) },
            region: { startLine: 5 },
          },
        },
      ],
    });
    expect(run0.tool.driver.rules?.[nodePort?.ruleIndex ?? -1]?.id).toBe("no-nodeport-services");
    expect(run0.results?.filter((x) => x.level === "warning").length).toBeGreaterThan(0);
  });
});

describe("--format junit", () => {
  test("one test case per object, blocking verdicts as failures", async () => {
    const file = tempFile("svc.yaml", FILE);
    const r = await run("scan", "--format", "junit", file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '<testsuites name="zeroport scan" tests="3" failures="1" errors="0">',
    );
    expect(r.stdout).toContain(`<testcase classname="${file}" name="Service shop/web">`);
    expect(r.stdout).toContain(
      '<failure type="no-nodeport-services" message="Service shop/web is of type NodePort',
    );
    expect(r.stdout.match(/<failure /g)).toHaveLength(1);
    expect(r.stdout).toContain("<system-out>advisory: zero-exposure: Service shop/lb is reachable");
  });
});

describe("--fail-on", () => {
  const lbOnly = () =>
    tempFile(
      "lb.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{port: 443}]}\n",
    );
  test.each([
    ["mandatory", 0],
    ["advisory", 1],
    ["none", 0],
  ])("with only advisory findings, --fail-on %s exits %i", async (level, code) => {
    expect((await run("scan", "--fail-on", level, lbOnly())).code).toBe(code);
  });

  test("--fail-on none still reports, and never hides a usage error", async () => {
    const r = await run("scan", "--fail-on", "none", tempFile("svc.yaml", FILE));
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining("1 mandatory violation(s)")]);
    expect((await run("scan", "--fail-on", "never", "x")).stderr).toBe(
      'zeroport: --fail-on: must be mandatory, advisory, none (got "never")\n',
    );
  });
});

describe("reports are well-formed for any names (property-based)", () => {
  // Characters chosen to break XML and URIs: markup, every C0 control, NEL, line and paragraph
  // separators, lone surrogates, U+FFFE/U+FFFF, `%`, `#`, `?`, `:` and spaces; plus any code point.
  const hostile = fc.string({
    unit: fc.oneof(
      fc.constantFrom(..."<>&\"'%#?:[] \u0085\u2028\u2029\ud800\udfff\ufffe\uffff"),
      fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
    ),
    maxLength: 24,
  });

  /** XML 1.0's Char production, written from the spec, not from the encoder under test. */
  const xmlChar = (cp: number) =>
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    cp >= 0x10000;
  const expectedText = (s: string) =>
    [...s]
      .map((c) => {
        const cp = c.codePointAt(0) ?? 0;
        return xmlChar(cp) ? c : `\\u{${cp.toString(16)}}`;
      })
      .join("");

  function parseXml(text: string) {
    const parser = new SaxesParser();
    const errors: string[] = [];
    const cases: Record<string, string>[] = [];
    const failures: Record<string, string>[] = [];
    parser.on("error", (e) => errors.push(e.message));
    parser.on("opentag", (node) => {
      const attrs = node.attributes as Record<string, string>;
      if (node.name === "testcase") cases.push(attrs);
      if (node.name === "failure") failures.push(attrs);
    });
    parser.write(text).close();
    return { errors, cases, failures };
  }

  test("the parser used here does refuse what XML 1.0 cannot carry", () => {
    expect(parseXml('<a b="\u0001">\ufffe</a>').errors).toHaveLength(2);
  });

  test("JUnit is XML 1.0 that an XML parser reads back to the same names and messages", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (file, kind, name, message) => {
        const verdict: ScanVerdict = {
          policy: "no-nodeport-services",
          level: "mandatory",
          kind,
          namespace: null,
          name,
          message,
          file,
          line: 1,
          index: 0,
        };
        const text = report("junit", [verdict], [{ file, index: 0, kind, name }], "0.0.0", {
          skipped: 0,
          problems: [`${file}: cannot read (${message})`],
        });
        const parsed = parseXml(text);
        expect(parsed.errors).toEqual([]);
        expect(parsed.cases[0]).toEqual({
          classname: expectedText(file),
          name: expectedText(`${kind} ${name}`),
        });
        expect(parsed.failures[0]?.message).toBe(expectedText(message));
        expect(parsed.cases[1]?.classname).toBe("zeroport input");
      }),
      { numRuns: 500 },
    );
  });

  test("SARIF artifact URIs are relative URI references that decode to the file's path", () => {
    const segment = hostile.filter((s) => s !== "" && s !== "." && s !== ".." && !s.includes("/"));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const cwd = "/work/repo";
        const uri = artifactUri(path.join(cwd, ...segments), cwd);
        const parsed = FastUri.parse(uri);
        expect(parsed.error).toBeUndefined();
        expect(parsed.reference).toBe("relative");
        expect(parsed.scheme).toBeUndefined();
        // A parser that had to repair the reference would print it differently.
        expect(FastUri.serialize(parsed)).toBe(uri);
        expect(uri.split("/").map(decodeURIComponent)).toEqual(
          segments.map((s) => s.replace(/\p{Surrogate}/gu, "\ufffd")),
        );
      }),
      { numRuns: 500 },
    );
  });

  test("stdin and a cluster are URIs too", () => {
    expect(artifactUri("-")).toBe("stdin");
    expect(artifactUri(path.join(process.cwd(), "cluster:prod"))).toBe("cluster%3Aprod");
  });
});

describe("reports at scale and with hostile names", () => {
  const many = (n: number) => {
    const objects = Array.from({ length: n }, (_, i) => ({
      file: `manifests/app-${i % 100}.yaml`,
      index: i,
      kind: "Service",
      name: `svc-${i}`,
    }));
    const verdicts: ScanVerdict[] = objects
      .filter((_, i) => i % 3 === 0)
      .map((o) => ({
        policy: "no-nodeport-services",
        level: "mandatory",
        kind: o.kind,
        namespace: "shop",
        name: o.name,
        message: `Service shop/${o.name} is type NodePort`,
        file: o.file,
        line: 1,
        index: o.index,
      }));
    return { objects, verdicts };
  };
  const time = (f: () => unknown) => {
    const started = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };

  test("JUnit grows linearly with the objects (10x the objects, well under 50x the time) and counts right", () => {
    const small = many(10_000);
    const large = many(100_000);
    report("junit", small.verdicts, small.objects, "0"); // warm up
    // The best of three each: a collection pause on a loaded machine lands on one run, not all.
    const best = (f: () => unknown) => Math.min(time(f), time(f), time(f));
    const tSmall = best(() => report("junit", small.verdicts, small.objects, "0"));
    let text = "";
    const tLarge = best(() => (text = report("junit", large.verdicts, large.objects, "0")));
    // Quadratic would be 100x; linear is 10x, and noise stays below 50x.
    expect(tLarge / Math.max(tSmall, 1)).toBeLessThan(50);
    expect(text).toContain('tests="100000" failures="33334" errors="0"');
  });

  test("a scan with --format junit takes at most twice the time of --format json", async () => {
    const doc = (i: number) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: shop}\nspec: {type: ${i % 3 ? "ClusterIP" : "NodePort"}, ports: [{port: 80}]}\n`;
    const file = tempFile(
      "many.yaml",
      Array.from({ length: 20_000 }, (_, i) => doc(i)).join("---\n"),
    );
    const timed = async (format: string) => {
      const started = Date.now();
      const r = await run("scan", "--format", format, file);
      expect(r.code).toBe(1);
      return Date.now() - started;
    };
    await timed("json"); // warm up
    // The best of three each: a pause on a loaded machine lands on one run, not on all three.
    const best = async (format: string) =>
      Math.min(await timed(format), await timed(format), await timed(format));
    const json = await best("json");
    const junit = await best("junit");
    expect(junit).toBeLessThan(2 * json);
  }, 240_000);

  test("text prints a file or object name with a line break or control character escaped, never raw", () => {
    const verdict: ScanVerdict = {
      policy: "no-nodeport-services",
      level: "mandatory",
      kind: "Service",
      namespace: "shop",
      name: "web\nmanifests/ok.yaml#0: advisory: forged",
      message: "Service shop/web\u2028forged\u001b[31m is type NodePort",
      file: "dir/evil\r\nname\u0085.yaml",
      line: 1,
      index: 0,
    };
    const out = report(
      "text",
      [verdict],
      [{ file: verdict.file, index: 0, kind: "Service", name: "x" }],
      "0",
    );
    expect(out.split("\n")).toHaveLength(3);
    expect(out).toContain(
      "dir/evil\\u{d}\\u{a}name\\u{85}.yaml#0: mandatory: no-nodeport-services: Service shop/web\\u{2028}forged\\u{1b}[31m is type NodePort",
    );
  });
});
