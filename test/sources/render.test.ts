import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_BOUNDS } from "../../sources/tools";
import { helmArgs, isLibraryChart, render, splitHelmOutput } from "../../sources/render";

test("helm template output is cut at --- and each document named after its template", () => {
  const output = [
    "---",
    "# Source: web/templates/service.yaml",
    "apiVersion: v1",
    "kind: Service",
    "---",
    "# Source: web/charts/redis/templates/statefulset.yaml",
    "kind: StatefulSet",
    "---",
    "# Source: web/templates/empty.yaml",
    "",
  ].join("\n");
  expect(splitHelmOutput(output, "charts/site")).toEqual([
    {
      source: path.join("charts/site", "templates/service.yaml"),
      text: "\n# Source: web/templates/service.yaml\napiVersion: v1\nkind: Service\n",
    },
    {
      source: path.join("charts/site", "charts/redis/templates/statefulset.yaml"),
      text: "\n# Source: web/charts/redis/templates/statefulset.yaml\nkind: StatefulSet\n",
    },
  ]);
});

test("values files and --set pairs are passed to helm template in order", () => {
  expect(helmArgs("charts/web", { values: ["prod.yaml"], set: ["a=1", "b.c=2"] })).toEqual([
    "template",
    "charts/web",
    "--values",
    path.resolve("prod.yaml"),
    "--set",
    "a=1",
    "--set",
    "b.c=2",
  ]);
});

test("a library chart is not rendered (helm refuses to), whatever is on PATH", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-library-"));
  fs.writeFileSync(
    path.join(dir, "Chart.yaml"),
    "apiVersion: v2\nname: common\ntype: library\nversion: 1.0.0\n",
  );
  expect(isLibraryChart(dir)).toBe(true);
  expect(render({ kind: "chart", dir }, { values: [], set: [] }, DEFAULT_BOUNDS)).toEqual({
    library: true,
  });
  fs.writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: app\ntype: application\n");
  expect(isLibraryChart(dir)).toBe(false);
});
