// The layout shows the architecture: libraries below, thin commands above. Each library imports
// only what is below it.
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
/** Which top-level directories each library may import from (besides itself and packages). */
const MAY_IMPORT: Record<string, string[]> = {
  base: [],
  reader: [],
  sources: ["base", "reader"],
  "kube-client": ["base", "reader"],
  policy: ["base"],
  components: ["base", "policy"],
  plugin: ["components"],
};

function imports(dir: string): { file: string; target: string }[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => {
      const file = path.join(dir, f);
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      return [...text.matchAll(/(?:from|require\()\s*"(\.[^"]+)"/g)].map((m) => ({
        file,
        target:
          path.relative(ROOT, path.join(ROOT, path.dirname(file), m[1] ?? "")).split(path.sep)[0] ??
          "",
      }));
    });
}

test.each(Object.entries(MAY_IMPORT))("%s imports only from %j", (dir, allowed) => {
  const outside = imports(dir).filter((i) => i.target !== dir && !allowed.includes(i.target));
  expect(outside.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
});
