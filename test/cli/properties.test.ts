import * as fc from "fast-check";
import { ZitiHostArgsSchema } from "../../components/ziti/ziti-host";
import { jwt } from "../helpers/fixtures";
import { run, tempFile } from "./helpers";

const KNOWN = Object.keys(ZitiHostArgsSchema.shape);
/** A field path: identifiers joined by dots, `[i]` indexes and `["quoted keys"]`. */
const PATH = /(?:[A-Za-z_$][\w$-]*|\.[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])+/.source;
const LINE = new RegExp(`^zeroport: ZitiHost p: (?:${PATH}|\\(root\\)): \\S.*$`);

/** One way to make ZitiHost args invalid, as [field, bad value]. */
const mutation = fc.oneof(
  fc.tuple(
    fc.string({ minLength: 1 }).filter((k) => !KNOWN.includes(k) && k !== "__proto__"),
    fc.anything().filter((v) => v !== undefined),
  ),
  fc.tuple(
    fc.constant("replicas"),
    fc.oneof(
      fc.integer({ min: 2 }),
      fc.integer({ max: -1 }),
      fc.double({ min: 0.1, max: 0.9 }),
      fc.string(),
    ),
  ),
  fc.tuple(
    fc.constant("logLevel"),
    fc.oneof(fc.integer({ min: 7 }), fc.integer({ max: -1 }), fc.boolean()),
  ),
  fc.tuple(
    fc.constant("identity"),
    fc.oneof(
      fc.constant({}),
      fc.record({ jwt: fc.string().filter((s) => !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(s.trim())) }),
      fc.record({ json: fc.string().filter((s) => !s.trim().startsWith("{")) }),
      fc.record({ jwt: fc.constant(jwt()), json: fc.constant("{}") }),
      fc.integer(),
    ),
  ),
  fc.tuple(
    fc.constant("image"),
    fc.constantFrom("", "openziti/ziti-host", "openziti/ziti-host:latest", "has space:1"),
  ),
  fc.tuple(
    fc.constant("namespace"),
    fc.oneof(fc.constantFrom("Apps", "a_b", "-x", "x".repeat(64)), fc.integer()),
  ),
  fc.tuple(fc.constant("persistence"), fc.record({ size: fc.constantFrom("big", "10 Gi", "-") })),
);

describe("random invalid ZitiHost args", () => {
  test("always exit 2 with one field-path line per problem, nothing on stdout, no crash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(mutation, { minLength: 1, maxLength: 4, selector: ([k]) => k }),
        async (mutations) => {
          const args: Record<string, unknown> = { identity: { jwt: jwt() } };
          for (const [key, value] of mutations) args[key] = value;
          const file = tempFile("args.json", JSON.stringify(args));
          const r = await run("render", "--component", "ZitiHost", "--args", file, "--name", "p");
          expect(r.code).toBe(2);
          expect(r.stdout).toBe("");
          const lines = r.stderr.trimEnd().split("\n");
          expect(lines.length).toBeGreaterThanOrEqual(1);
          for (const line of lines) expect(line).toMatch(LINE);
          expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("random valid ZitiHost args", () => {
  test("always render, with no secret in the output", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            replicas: fc.constantFrom(0, 1),
            logLevel: fc.integer({ min: 0, max: 6 }),
            namespace: fc.constantFrom("default", "apps", { name: "edge", create: true }),
            imagePullPolicy: fc.constantFrom("IfNotPresent", "Always", "Never"),
            persistence: fc.record({ size: fc.constantFrom("64Mi", "1Gi", "1.5Gi") }),
          },
          { requiredKeys: [] },
        ),
        async (extra) => {
          const file = tempFile(
            "args.json",
            JSON.stringify({ identity: { jwt: jwt() }, ...extra }),
          );
          const r = await run(
            "render",
            "--component",
            "ZitiHost",
            "--args",
            file,
            "--format",
            "json",
          );
          expect(r.stderr).toBe("");
          expect(r.code).toBe(0);
          expect(r.stdout).not.toContain(jwt());
        },
      ),
      { numRuns: 25 },
    );
  });
});
