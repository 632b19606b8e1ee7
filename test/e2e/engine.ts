// The real Pulumi engine for the e2e suite: the CLI and the Kubernetes provider built from Go
// modules by build-tools.sh, a file backend, a passphrase secrets provider, and programs run
// through the Automation API (inline: this Node process serves the language runtime, so no
// Node.js language host is needed). The policy pack runs as an executable analyzer.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { ROOT, TOOLS } from "./cluster";
import type { KubeClient } from "./kube-client";

/** The pack as users run it with CLI 3.255 or later: `--policy-pack <executable>`. */
export const POLICY_PACK_LAUNCHER = path.join(ROOT, "bin", "zeroport-policy-pack.js");
const PROJECT = "zeroport-e2e";

export interface Engine {
  /** A stack of an inline program, with its config set (secret values encrypted). */
  stack(
    name: string,
    program: PulumiFn,
    config?: Record<string, { value: string; secret?: boolean }>,
  ): Promise<Stack>;
  /**
   * The stack's state as the file backend stores it (secrets encrypted): not `exportStack()`,
   * which the Automation API runs with --show-secrets.
   */
  storedState(name: string): string;
}

/**
 * The CLI finds the provider built beside it (it says "using pulumi-resource-kubernetes from
 * $PATH"); plugin downloads are switched off, so nothing is fetched from the network, and
 * PULUMI_HOME is private to the run.
 */
export async function startEngine(workdir: string, kubeconfig: string): Promise<Engine> {
  const home = path.join(workdir, "pulumi-home");
  const plugins = dynamicProviderPlugin(workdir);
  const state = path.join(workdir, "state");
  fs.mkdirSync(state, { recursive: true });
  fs.mkdirSync(path.join(workdir, "project"), { recursive: true });
  const env: Record<string, string> = {
    PULUMI_HOME: home,
    PULUMI_CONFIG_PASSPHRASE: "zeroport-e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    KUBECONFIG: kubeconfig,
    PATH: `${plugins}:${process.env.PATH ?? ""}`,
  };
  const pulumiCommand = await PulumiCommand.get({ root: TOOLS, skipVersionCheck: true });
  return {
    async stack(name, program, config = {}) {
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: PROJECT, program },
        {
          pulumiCommand,
          envVars: env,
          workDir: path.join(workdir, "project"),
          projectSettings: {
            name: PROJECT,
            runtime: "nodejs",
            backend: { url: `file://${state}` },
          },
          secretsProvider: "passphrase",
        },
      );
      await stack.setAllConfig(config);
      return stack;
    },
    storedState(name) {
      const files = fs
        .readdirSync(state, { recursive: true, encoding: "utf8" })
        .filter((f) => path.basename(f) === `${name}.json`);
      if (files.length !== 1)
        throw new Error(`expected one state file ${name}.json, found ${files.length}`);
      return fs.readFileSync(path.join(state, files[0] ?? ""), "utf8");
    },
  };
}

/**
 * The plugin that serves Pulumi dynamic resources (ZtmProgramCa's material). The CLI's release
 * archive ships it as a two-line script beside `pulumi` (sdk/nodejs/dist/pulumi-resource-pulumi-nodejs);
 * a CLI built from its Go module has none, so the same script is written here, pointing at the
 * SDK this checkout installed.
 */
function dynamicProviderPlugin(workdir: string): string {
  const dir = path.join(workdir, "plugins");
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider");
  fs.writeFileSync(
    path.join(dir, "pulumi-resource-pulumi-nodejs"),
    `#!/bin/sh\nexec node "${entry}" "$@"\n`,
    { mode: 0o755 },
  );
  return dir;
}

/** A kubeconfig whose current context also answers as `aliases` (for multi-cluster blueprints). */
export function withContextAliases(kubeconfig: string, aliases: string[]): string {
  const config = YAML.parse(fs.readFileSync(kubeconfig, "utf8")) as {
    contexts: { name: string; context: unknown }[];
    "current-context": string;
  };
  const current = config.contexts.find((c) => c.name === config["current-context"]);
  for (const name of aliases) config.contexts.push({ name, context: current?.context });
  const out = path.join(path.dirname(kubeconfig), "kubeconfig-aliased");
  fs.writeFileSync(out, YAML.stringify(config));
  return out;
}

/**
 * Stands in for a cloud load balancer controller: gives every LoadBalancer Service an address, as
 * the provider waits for one. Returns a stop function.
 */
export function fakeLoadBalancers(client: KubeClient): () => void {
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const list = await client.json<{
          items: {
            metadata: { name: string; namespace: string };
            spec: { type?: string };
            status?: { loadBalancer?: { ingress?: unknown[] } };
          }[];
        }>("GET", "/api/v1/services");
        for (const s of list.items) {
          if (s.spec.type !== "LoadBalancer" || (s.status?.loadBalancer?.ingress ?? []).length > 0)
            continue;
          await client.request(
            "PATCH",
            `/api/v1/namespaces/${s.metadata.namespace}/services/${s.metadata.name}/status`,
            JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } } }),
            "application/merge-patch+json",
          );
        }
      } catch {
        // The API server may be busy; the next round tries again.
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void loop();
  return () => {
    running = false;
  };
}

/**
 * `<policy> <type>: <name>` for each `- [mandatory] [severity: …]  <policy>  (<type>: <name>)`
 * line of the CLI's Policies section, sorted.
 */
export function mandatoryViolations(output: string): string[] {
  return [...output.matchAll(/\[mandatory\]\s+\[severity: \w+\]\s+(\S+)\s+\(([^)]*)\)/g)]
    .map((m) => `${m[1]} ${m[2]}`)
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort();
}

/** The CLI's line saying which pack ran, as it prints it for an executable pack. */
export const PACK_RAN = /zeroport@v0\.1\.0 \(local: \S*bin\/zeroport-policy-pack\.js\)/;
