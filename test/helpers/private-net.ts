// Tests that need wildcard listeners run them in a network namespace of their own (unshare -rn:
// a user namespace maps the caller to root there), so no such listener is ever reachable from
// outside it. Its lo is up and also holds POD_ADDRESS, which stands for the pod's address.
import { execFile } from "node:child_process";

export const POD_ADDRESS = "192.0.2.10";

/** Runs `command` in a fresh network namespace; resolves with its exit code and trimmed output. */
export function inPrivateNet(
  command: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const setup = `ip link set lo up && ip addr add ${POD_ADDRESS}/32 dev lo && exec "$@"`;
  return new Promise((done) => {
    execFile(
      "unshare",
      ["-rn", "sh", "-c", setup, "sh", ...command],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? -1) : 0;
        done({ code, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}
