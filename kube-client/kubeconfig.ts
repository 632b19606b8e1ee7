/**
 * The kubeconfig for `scan --cluster`, loaded by the Kubernetes JavaScript client the way kubectl
 * finds it (--kubeconfig, else every file in KUBECONFIG merged, else ~/.kube/config). Every
 * problem is one line naming its cause, and never quotes the file: a kubeconfig holds tokens,
 * keys and passwords, and the parser's own messages print the offending line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as K8s from "@kubernetes/client-node";
import { UsageError } from "../reader/input";

/** The kubeconfig files to read, in kubectl's order. */
export function kubeconfigFiles(
  flag: string | undefined,
  env = process.env.KUBECONFIG,
  home = os.homedir(),
): string[] {
  if (flag !== undefined) return [flag];
  if (env) return env.split(path.delimiter).filter((f) => f !== "");
  const file = path.join(home, ".kube", "config");
  return fs.existsSync(file) ? [file] : [];
}

/**
 * Why a kubeconfig could not be loaded, without a byte of it: a YAML error gives its position and
 * the parser's reason (never its code frame), a file error its code; any other message keeps
 * only the words that do not occur in the file.
 */
export function safeReason(e: unknown, text: string): string {
  const err = e as Error & {
    code?: string;
    reason?: string;
    mark?: { line: number; column: number };
  };
  if (err.name === "YAMLException" && err.mark)
    return `YAML syntax error at line ${err.mark.line + 1}, column ${err.mark.column + 1}: ${err.reason ?? "invalid"}`;
  if (typeof err.code === "string" && /^E[A-Z]+$/.test(err.code)) return err.code;
  const first = String(err.message ?? e).split("\n")[0] ?? "";
  return first
    .split(/(\s+)/)
    .map((word) => (word.trim().length >= 6 && text.includes(word.trim()) ? "[…]" : word))
    .join("");
}

function readKubeconfig(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError([
      `--cluster: cannot read the kubeconfig ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    ]);
  }
}

export function loadKubeConfig(
  k8s: typeof K8s,
  options: { kubeconfig?: string; context?: string },
): { config: K8s.KubeConfig; source: string } {
  const files = kubeconfigFiles(options.kubeconfig);
  if (files.length === 0)
    throw new UsageError([
      "--cluster: no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config",
    ]);
  const config = new k8s.KubeConfig();
  files.forEach((file, i) => {
    const text = readKubeconfig(file);
    if (text.trim() === "") throw new UsageError([`--cluster: the kubeconfig ${file} is empty`]);
    try {
      if (i === 0) config.loadFromFile(file);
      else {
        const more = new k8s.KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more);
      }
    } catch (e) {
      throw new UsageError([
        `--cluster: the kubeconfig ${file} is not valid (${safeReason(e, text)})`,
      ]);
    }
  });
  const where = files.join(path.delimiter);
  if (options.context !== undefined) {
    if (!config.getContextObject(options.context))
      throw new UsageError([`--context: no context ${options.context} in the kubeconfig ${where}`]);
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  if (!context || !config.getContextObject(context))
    throw new UsageError([
      `--cluster: the kubeconfig ${where} has no current context${context ? ` (it names ${context}, which it does not define)` : ""}; pass --context NAME or run kubectl config use-context`,
    ]);
  const cluster = config.getCurrentCluster();
  if (!cluster?.server)
    throw new UsageError([
      `--cluster: context ${context} in the kubeconfig ${where} names no cluster with a server`,
    ]);
  return { config, source: `cluster:${context}` };
}
