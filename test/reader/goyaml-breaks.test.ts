// libyaml's line breaks (LF, CR LF, lone CR, NEL, LS, PS) in the full reader: a comment ends at
// each, and what follows is read as the next line, as kubectl reads it.
import { readObjects } from "../../reader/kube-objects";
import { run, tempFile } from "../cli/helpers";

const read = (text: string) => readObjects(text);
const spec = (text: string) => (read(text)[0] as { spec: Record<string, unknown> }).spec;
const HEAD = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n";

describe.each([
  ["NEL", "\u0085"],
  ["LS", "\u2028"],
  ["PS", "\u2029"],
  ["a lone CR", "\r"],
])("%s is a line break", (_, br) => {
  test("a comment ends there and the key after it counts (the evasion the issue found)", () => {
    expect(
      spec(`${HEAD}  type: ClusterIP # x${br}  type: NodePort\n  ports: [{port: 80}]\n`).type,
    ).toBe("NodePort");
  });
  test("it separates two keys", () => {
    expect(spec(`${HEAD}  type: NodePort${br}  externalTrafficPolicy: Local\n`)).toEqual({
      type: "NodePort",
      externalTrafficPolicy: "Local",
    });
  });
});

test("a whole file with CR-only line ends whose first line has a comment keeps its kind", () => {
  const text =
    "# storm worker\rapiVersion: apps/v1\rkind: Deployment\rmetadata:\r  name: storm-worker\r";
  expect(read(text)).toEqual([
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "storm-worker" } },
  ]);
});

test("zeroport scan finds the NodePort behind a comment ended by LS (exit 1, was exit 0)", async () => {
  const file = tempFile(
    "svc.yaml",
    `${HEAD}  type: ClusterIP # x\u2028  type: NodePort\n  ports: [{port: 80}]\n`,
  );
  const r = await run("scan", "--format", "json", file);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("no-nodeport-services");
});
