/**
 * The Pulumi package schema of zeroport's components, generated from the one zod schema per
 * component (components/registry.ts) through zod's JSON Schema: every input with its type,
 * description and default, nested objects as named types. It is what a source-based plugin
 * package serves to `pulumi package add`, which generates the Python SDK and lets Pulumi YAML
 * programs name the components; `plugin/schema.json` holds it, checked in CI against the zod
 * schemas, so that a new field cannot be left out.
 */
import { z } from "zod";
import type { ComponentEntry } from "../components/registry";

type Json = Record<string, unknown>;

export interface Property {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  items?: Property;
  additionalProperties?: Property;
  $ref?: string;
  oneOf?: Property[];
  description?: string;
  default?: string | number | boolean;
  /** A secret input (components/core/secret-string.ts): SDKs keep it a secret end to end. */
  secret?: true;
}

export interface ObjectType {
  type: "object";
  description?: string;
  properties: Record<string, Property>;
  required?: string[];
}

export interface Resource {
  isComponent: true;
  description: string;
  inputProperties: Record<string, Property>;
  requiredInputs: string[];
}

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  language: Json;
  resources: Record<string, Resource>;
  types: Record<string, ObjectType>;
}

const ANY: Property = { $ref: "pulumi.json#/Any" };
const PREFIX = "zeroport:index:";

const pascal = (s: string) =>
  s.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, _sep, c: string) => c.toUpperCase());

const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Converts zod's JSON Schema into Pulumi schema properties, collecting named object types. */
class Converter {
  readonly types: Record<string, ObjectType> = {};

  property(js: Json, stem: string): Property {
    const described = (p: Property): Property => {
      const description = typeof js.description === "string" ? js.description : undefined;
      const enumText = Array.isArray(js.enum)
        ? `One of: ${js.enum.map((e) => JSON.stringify(e)).join(", ")}.`
        : undefined;
      const text = [description, enumText].filter(Boolean).join(" ");
      const d = js.default;
      const primitive = typeof d === "string" || typeof d === "number" || typeof d === "boolean";
      return {
        ...p,
        ...(text ? { description: text } : {}),
        ...(js.secret === true ? { secret: true as const } : {}),
        ...(primitive && p.type && p.type !== "object" && p.type !== "array" ? { default: d } : {}),
      };
    };
    const variants = (Array.isArray(js.anyOf) ? js.anyOf : Array.isArray(js.oneOf) ? js.oneOf : [])
      .filter(isJson)
      .filter((v) => v.type !== "null");
    if (variants.length > 0) {
      const converted = variants.map((v, i) =>
        this.property(
          v,
          variants.filter((x) => x.type === "object").length > 1 ? `${stem}${i + 1}` : stem,
        ),
      );
      const distinct = [...new Map(converted.map((c) => [JSON.stringify(c), c])).values()];
      return described(distinct.length === 1 ? (distinct[0] ?? ANY) : { oneOf: distinct });
    }
    if (Array.isArray(js.type)) {
      // ["string", "null"]: nullable; null is how an input is left unset anyway.
      const types = js.type.filter((t) => t !== "null");
      if (types.length !== 1)
        return described({ oneOf: types.map((t) => this.property({ type: t }, stem)) });
      return this.property({ ...js, type: types[0] }, stem);
    }
    switch (js.type) {
      case "string":
      case "integer":
      case "number":
      case "boolean":
        return described({ type: js.type });
      case "array":
        return described({
          type: "array",
          items: isJson(js.items) ? this.property(js.items, `${stem}Item`) : ANY,
        });
      case "object":
        return described(this.object(js, stem));
      default:
        return typeof js.const === "string" ? described({ type: "string" }) : described(ANY);
    }
  }

  private object(js: Json, stem: string): Property {
    if (isJson(js.properties) && Object.keys(js.properties).length > 0) {
      const token = this.register(stem, {
        type: "object",
        ...(typeof js.description === "string" ? { description: js.description } : {}),
        properties: this.properties(js.properties, stem),
        ...(Array.isArray(js.required) && js.required.length > 0
          ? { required: js.required as string[] }
          : {}),
      });
      return { $ref: `#/types/${token}` };
    }
    if (isJson(js.additionalProperties))
      return {
        type: "object",
        additionalProperties: this.property(js.additionalProperties, `${stem}Value`),
      };
    return ANY;
  }

  properties(props: Json, stem: string): Record<string, Property> {
    const out: Record<string, Property> = {};
    for (const [key, value] of Object.entries(props))
      if (isJson(value)) out[key] = this.property(value, `${stem}${pascal(key)}`);
    return out;
  }

  /** A named type, its name made unique when two differ. */
  private register(stem: string, type: ObjectType): string {
    for (let n = 1; ; n++) {
      const token = `${PREFIX}${stem}${n > 1 ? n : ""}`;
      const existing = this.types[token];
      if (!existing) {
        this.types[token] = type;
        return token;
      }
      if (JSON.stringify(existing) === JSON.stringify(type)) return token;
    }
  }
}

/** The package schema for the given components (by class name). */
export function packageSchema(
  components: Record<string, ComponentEntry>,
  version: string,
): PackageSchema {
  const converter = new Converter();
  const resources: Record<string, Resource> = {};
  for (const [name, entry] of Object.entries(components)) {
    const js = z.toJSONSchema(entry.schema, { io: "input", unrepresentable: "any" }) as Json;
    resources[`${PREFIX}${name}`] = {
      isComponent: true,
      description: entry.description,
      inputProperties: isJson(js.properties) ? converter.properties(js.properties, name) : {},
      requiredInputs: Array.isArray(js.required) ? (js.required as string[]) : [],
    };
  }
  return {
    name: "zeroport",
    displayName: "zeroport",
    version,
    description:
      "Pulumi components that connect Kubernetes workloads to OpenZiti and ZTM overlays without opening a node port.",
    language: {
      nodejs: { packageName: "zeroport" },
      python: { packageName: "pulumi_zeroport", requires: { pulumi: ">=3.142.0,<4.0.0" } },
    },
    resources,
    types: converter.types,
  };
}
