import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { SecretString, StringInput } from "../../components/core/secret-string";
import { COMPONENTS } from "../../components/registry";
import { packageSchema } from "../../plugin/schema";

const CHECKED_IN = path.join(__dirname, "..", "..", "plugin", "schema.json");
const VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  }
).version;

test("plugin/schema.json is the schema the zod schemas give today (npm run schema writes it)", () => {
  const generated = packageSchema(COMPONENTS, VERSION);
  const checkedIn = JSON.parse(fs.readFileSync(CHECKED_IN, "utf8")) as unknown;
  expect(checkedIn).toEqual(generated);
});

test("every component and every top-level field of its zod schema is in the package schema", () => {
  const schema = packageSchema(COMPONENTS, VERSION);
  for (const [name, entry] of Object.entries(COMPONENTS)) {
    const resource = schema.resources[`zeroport:index:${name}`];
    const fields = Object.keys(
      (
        z.toJSONSchema(entry.schema, { io: "input", unrepresentable: "any" }) as {
          properties?: object;
        }
      ).properties ?? {},
    );
    expect([name, Object.keys(resource?.inputProperties ?? {}).sort()]).toEqual([
      name,
      fields.sort(),
    ]);
  }
  // References resolve to named types.
  const refs = JSON.stringify(schema).match(/"#\/types\/[^"]+"/g) ?? [];
  for (const ref of refs) expect(Object.keys(schema.types)).toContain(ref.slice(9, -1));
});

test("zod's shapes become Pulumi's: unions, records, lists, defaults, descriptions, any", () => {
  const schema = packageSchema(
    {
      Demo: {
        description: "a demo",
        create: () => {
          throw new Error("not built here");
        },
        schema: z.object({
          namespace: z.union([
            z.string(),
            z.object({ name: z.string(), create: z.boolean().default(false) }),
          ]),
          labels: z.record(z.string(), z.string()).optional(),
          ports: z.array(z.number().int()).describe("Ports."),
          mode: z.enum(["a", "b"]).default("a"),
          anything: z.unknown(),
          maybe: z.string().nullish(),
          token: SecretString.describe("A token."),
          host: StringInput.optional(),
        }),
      },
    },
    "1.0.0",
  );
  expect(schema.resources["zeroport:index:Demo"]).toEqual({
    isComponent: true,
    description: "a demo",
    inputProperties: {
      namespace: { oneOf: [{ type: "string" }, { $ref: "#/types/zeroport:index:DemoNamespace" }] },
      labels: { type: "object", additionalProperties: { type: "string" } },
      ports: { type: "array", items: { type: "integer" }, description: "Ports." },
      mode: { type: "string", description: 'One of: "a", "b".', default: "a" },
      anything: { $ref: "pulumi.json#/Any" },
      maybe: { type: "string" },
      token: { type: "string", description: "A token.", secret: true },
      host: { type: "string" },
    },
    requiredInputs: ["namespace", "ports", "anything", "token"],
  });
  expect(schema.types["zeroport:index:DemoNamespace"]).toEqual({
    type: "object",
    properties: { name: { type: "string" }, create: { type: "boolean", default: false } },
    required: ["name"],
  });
});
