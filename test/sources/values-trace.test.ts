import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fieldLine, keyLine, trace, whereSet } from "../../sources/values-trace";

const TEMPLATE = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  type: {{ .Values.service.type | default "ClusterIP" }}
  ports:
  - port: 80
`;

test("the line that sets a field, preferring one that reads a value", () => {
  expect(fieldLine(TEMPLATE, ["type", "nodePort"])).toEqual({ line: 6, key: "service.type" });
  expect(fieldLine("spec:\n  hostNetwork: true\n", ["hostNetwork"])).toEqual({
    line: 2,
    key: undefined,
  });
  expect(fieldLine(TEMPLATE, ["hostPort"])).toBeUndefined();
});

test("a dotted key's line in a values file", () => {
  const values =
    "replicaCount: 2\nservice:\n  port: 80\n  type: NodePort\ncontroller:\n  hostNetwork: true\n";
  expect(keyLine(values, "service.type")).toBe(4);
  expect(keyLine(values, "controller.hostNetwork")).toBe(6);
  expect(keyLine(values, "service.missing")).toBeUndefined();
  expect(keyLine(values, "replicaCount.x")).toBeUndefined();
});

test("the last values file that sets a key wins; --set wins over files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-values-"));
  const base = path.join(dir, "values.yaml");
  const prod = path.join(dir, "prod.yaml");
  fs.writeFileSync(base, "service:\n  type: ClusterIP\n");
  fs.writeFileSync(prod, "# prod\nservice:\n  type: NodePort\n");
  expect(whereSet("service.type", [base, prod], [])).toEqual({ file: prod, line: 3 });
  expect(whereSet("service.type", [base], [])).toEqual({ file: base, line: 2 });
  expect(whereSet("service.type", [base, prod], ["service.type=NodePort"])).toBe("--set");
  const template = path.join(dir, "service.yaml");
  fs.writeFileSync(template, TEMPLATE);
  expect(trace(template, ["type"], [base, prod], [])).toEqual({
    line: 6,
    key: "service.type",
    setIn: { file: prod, line: 3 },
  });
});
