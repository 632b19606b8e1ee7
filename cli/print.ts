/**
 * What `render` and `stack-config` print: manifests as YAML or JSON, with patches marked, and
 * stack config files. Loaded only by those commands: the YAML library is not needed to scan.
 */
import * as YAML from "yaml";
import { isPatch } from "./patches";
import type { Manifest } from "./render";

/** A Pulumi stack config file (Pulumi.<stack>.yaml) that deploys a blueprint with a config. */
export function stackConfig(blueprint: string, config: unknown): string {
  return YAML.stringify(
    { config: { "zeroport:blueprint": blueprint, "zeroport:config": config } },
    { lineWidth: 0 },
  );
}

/** How to apply a patch so that it stays one: said in the YAML, and on stderr for JSON. */
export function patchNote(m: Manifest): string {
  const ns = m.metadata.namespace ? `${m.metadata.namespace}/` : "";
  return (
    `${m.kind} ${ns}${m.metadata.name} is a patch of an existing object (the program uses ${m.kind}Patch): ` +
    "apply it with `kubectl apply --server-side --field-manager=zeroport`, never `kubectl create` or " +
    "`replace`, which would overwrite the object's other fields."
  );
}

/** Prints manifests as multi-document YAML or a JSON array; patches are marked in the YAML. */
export function formatManifests(manifests: readonly Manifest[], format: "yaml" | "json"): string {
  if (format === "json") return `${JSON.stringify(manifests, null, 2)}\n`;
  return manifests
    .map((m) => {
      const doc = YAML.stringify(m, { lineWidth: 0 });
      return isPatch(m) ? `# zeroport: ${patchNote(m)}\n${doc}` : doc;
    })
    .join("---\n");
}
