import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sourcesOf } from "../../sources/discover";

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-sources-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

test("a chart is one source: its templates and values are never plain manifests", () => {
  const dir = repo({
    "charts/web/Chart.yaml": "name: web\n",
    "charts/web/values.yaml": "service: {type: NodePort}\n",
    "charts/web/templates/service.yaml": "type: {{ .Values.service.type }}\n",
    "charts/web/charts/sub/Chart.yaml": "name: sub\n",
    "k8s/svc.yaml": "kind: Service\n",
  });
  expect(sourcesOf([dir])).toEqual([
    { kind: "chart", dir: path.join(dir, "charts", "web") },
    { kind: "file", path: path.join(dir, "k8s", "svc.yaml") },
  ]);
  // A template named on its own (a pre-commit hook passes changed files) is its chart, once.
  const template = path.join(dir, "charts", "web", "templates", "service.yaml");
  const values = path.join(dir, "charts", "web", "values.yaml");
  expect(sourcesOf([template, values])).toEqual([
    { kind: "chart", dir: path.relative(process.cwd(), path.join(dir, "charts", "web")) },
  ]);
});

test("a kustomization keeps the files below it for when kustomize is missing; a nested one its own", () => {
  const dir = repo({
    "app/base/kustomization.yaml": "resources: [svc.yaml]\n",
    "app/base/svc.yaml": "kind: Service\n",
    "app/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
    "app/overlays/prod/nodeport.yaml": "kind: Service\nspec: {type: NodePort}\n",
    "app/overlays/prod/extra/note.yaml": "a: 1\n",
  });
  expect(sourcesOf([dir])).toEqual([
    {
      kind: "kustomization",
      dir: path.join(dir, "app", "base"),
      file: path.join(dir, "app", "base", "kustomization.yaml"),
      plainFiles: [
        path.join(dir, "app", "base", "kustomization.yaml"),
        path.join(dir, "app", "base", "svc.yaml"),
      ],
    },
    {
      kind: "kustomization",
      dir: path.join(dir, "app", "overlays", "prod"),
      file: path.join(dir, "app", "overlays", "prod", "kustomization.yaml"),
      plainFiles: [
        path.join(dir, "app", "overlays", "prod", "extra", "note.yaml"),
        path.join(dir, "app", "overlays", "prod", "kustomization.yaml"),
        path.join(dir, "app", "overlays", "prod", "nodeport.yaml"),
      ],
    },
  ]);
});
