// Output that cannot be written (a reader that left, a full disk) and refusals that come from the
// config: each is exit 2 with one line, never a stack trace, never exit 1 ("violations") or 3.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { guardOutput, OUTPUT_FAILED_EXIT } from "../../cli/output-errors";
import { identityJson, jwt } from "../helpers/fixtures";
import { run, tempFile } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "zeroport.js");

describe("output that cannot be written", () => {
  test("guardOutput turns a stdout error into one line and exit 2", () => {
    const handlers: Record<string, (e: NodeJS.ErrnoException) => void> = {};
    let printed = "";
    let code: number | undefined;
    guardOutput(
      {
        stdout: { on: (_, l) => (handlers.stdout = l) },
        stderr: { on: (_, l) => (handlers.stderr = l), write: (t: string) => (printed += t) },
      },
      (c) => (code = c),
    );
    handlers.stdout?.(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    expect([code, printed]).toEqual([
      OUTPUT_FAILED_EXIT,
      "zeroport: cannot write the output to stdout (EPIPE)\n",
    ]);
  });

  test("a full disk (/dev/full) is exit 2 naming ENOSPC", () => {
    const out = fs.openSync("/dev/full", "w");
    try {
      const r = spawnSync(process.execPath, [BIN, "blueprints"], {
        stdio: ["ignore", out, "pipe"],
        encoding: "utf8",
      });
      expect([r.status, r.stderr]).toEqual([
        2,
        "zeroport: cannot write the output to stdout (ENOSPC)\n",
      ]);
    } finally {
      fs.closeSync(out);
    }
  });

  test("a reader that goes away (EPIPE) is exit 2 naming it", async () => {
    const child = spawn(process.execPath, [BIN, "render", "zero-trust-cluster"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Close the read end at once: every write the child makes then fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect([code, stderr]).toEqual([2, "zeroport: cannot write the output to stdout (EPIPE)\n"]);
  }, 60_000);
});

describe("refusals that come from the input", () => {
  test("an empty or invalid --name is exit 2", async () => {
    const args = tempFile(
      "args.yaml",
      YAML.stringify({ namespace: "apps", identity: { json: identityJson() } }),
    );
    for (const name of ["", "Web_1"]) {
      const r = await run("render", "--component", "ZitiHost", "--args", args, "--name", name);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toBe(
        "zeroport: --name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit\n",
      );
    }
  });

  test("a blueprint config that puts a one-time JWT into a Deployment is refused with exit 2", async () => {
    const config = tempFile(
      "egress.yaml",
      YAML.stringify({
        name: "egress-tproxy",
        sidecar: {
          namespace: { name: "ziti-egress", create: true },
          identity: { jwt: jwt() },
          select: { labels: { app: "ziti-client" } },
        },
        client: { name: "ziti-client", url: "http://hello.ziti.internal/" },
      }),
    );
    const r = await run("render", "egress-tproxy", "--config", config);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(
      /^zeroport: cannot inject into Deployment ziti-egress\/ziti-client: a one-time enrollment JWT is spent by the first pod that enrolls it, .*\n$/,
    );
    expect(r.stderr).not.toContain(jwt());
  });
});
