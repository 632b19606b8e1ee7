import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

test("the pre-commit hook passes manifests, chart files and kustomizations, and nothing else", () => {
  const hooks = YAML.parse(
    fs.readFileSync(path.join(__dirname, "..", "..", ".pre-commit-hooks.yaml"), "utf8"),
  ) as {
    id: string;
    entry: string;
    files: string;
  }[];
  const hook = hooks.find((h) => h.id === "zeroport-scan");
  expect(hook?.entry).toBe("zeroport scan");
  const files = new RegExp(hook?.files ?? "$^");
  for (const f of [
    "k8s/svc.yaml",
    "render.json",
    "charts/web/Chart.yaml",
    "charts/web/values.yml",
    "charts/web/templates/service.yaml",
    "charts/web/templates/_helpers.tpl",
    "app/overlays/prod/kustomization.yaml",
    "app/Kustomization",
  ])
    expect([f, files.test(f)]).toEqual([f, true]);
  for (const f of ["README.md", "main.go", "charts/web/templates/NOTES.txt", "MyKustomization"])
    expect([f, files.test(f)]).toEqual([f, false]);
});
