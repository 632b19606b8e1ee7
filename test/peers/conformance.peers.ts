// Conformance with the peers' own verdicts on their own fixtures (../shared/peer-corpus).
// zeroport "fails" an object when any policy reports a mandatory violation on it.
import * as fs from "node:fs";
import * as path from "node:path";
import { objectsIn, scanObjects, type SourcedObject } from "../../cli/scan";
import type { PackConfig } from "../../policy/config";
import { peerCorpusDir } from "../helpers/peer-corpus";

// Its README gives every file's upstream repository and commit.
const CORPUS = peerCorpusDir();

interface Expectation {
  file: string;
  index: number;
  kind: string;
  wrappedKind?: string;
  name: string;
  peer: string;
  peerRule: string;
  peerVerdict: "pass" | "fail" | "unknown";
  peerConfig: Record<string, unknown> | null;
  facts: { hostNetwork: boolean | null; hostPorts: number[] | null; serviceType: string | null };
}

/** What each peer rule is about. */
const TOPIC: Record<
  string,
  "nodePort" | "loadBalancer" | "externalIPs" | "hostPort" | "hostNetwork" | "hostNamespaces"
> = {
  "restrict-nodeport/validate-nodeport": "nodePort",
  "K8sBlockNodePort/block-node-port": "nodePort",
  "service-type": "nodePort",
  "exposed-services": "nodePort",
  "no-loadbalancer-service/no-LoadBalancer": "loadBalancer",
  "K8sBlockLoadBalancer/block-load-balancer": "loadBalancer",
  "restrict-external-ips/check-ips": "externalIPs",
  "K8sExternalIPs/external-ips": "externalIPs",
  "disallow-host-ports/host-ports-none": "hostPort",
  "disallow-host-ports-range/host-port-range": "hostPort",
  CKV_K8S_26: "hostPort",
  hostPortSet: "hostPort",
  "K8sPSPHostNetworkingPorts/psp-host-network-ports": "hostPort",
  "K8sPSPHostNetworkingPorts/psp-host-network": "hostNetwork",
  "disallow-host-namespaces/host-namespaces": "hostNamespaces",
  CKV_K8S_19: "hostNetwork",
  "host-network": "hostNetwork",
  hostNetworkSet: "hostNetwork",
};

/** The peer's configuration, in zeroport's config format. */
function configFor(e: Expectation): PackConfig {
  const pc = e.peerConfig ?? {};
  const config: PackConfig = {};
  if (Array.isArray(pc.allowedIPs))
    config["no-service-external-ips"] = { allowedExternalIPs: pc.allowedIPs as string[] };
  const range = pc.allowedHostPortRange as { min: number; max: number } | undefined;
  if (range) config["no-host-ports"] = { allowedHostPortRanges: [range] };
  if (typeof pc.min === "number")
    config["no-host-ports"] = { allowedHostPortRanges: [{ min: pc.min, max: pc.max as number }] };
  return config;
}

/** Where zeroport differs from a peer by design; each reason is checked against the facts. */
const REASONS = {
  lbNodePorts:
    "stricter by design: a LoadBalancer that allocates node ports opens them on every node",
  nodePortUnderLbRule:
    "stricter by design: NodePort is forbidden (the peer rule checks only LoadBalancer)",
  noImageExemptions:
    "stricter by design: exemptions are an annotation with a reason or a namespace, not an image pattern, and updates are judged too",
  hostNetworkNoPorts:
    "stricter by design: a hostNetwork pod is forbidden with or without declared ports (it listens where it likes: calico-node serves BGP on 179 with none declared); an exemption is an annotation with a reason",
  hostPidIpc: "out of scope: hostPID and hostIPC open no port",
};

function reasonFor(e: Expectation, failing: string[]): keyof typeof REASONS | undefined {
  const topic = TOPIC[e.peerRule];
  if (e.peerVerdict === "pass") {
    if (failing.join() === "no-loadbalancer-node-ports" && e.facts.serviceType === "LoadBalancer")
      return "lbNodePorts";
    if (failing.join() === "no-nodeport-services" && topic === "loadBalancer")
      return "nodePortUnderLbRule";
    const exemptImages = Array.isArray(e.peerConfig?.exemptImages);
    if (topic === "hostPort" && exemptImages && failing.includes("no-host-ports"))
      return "noImageExemptions";
    if (e.facts.hostNetwork === true && failing.join() === "host-network-pods")
      return "hostNetworkNoPorts";
    return undefined;
  }
  if (topic === "hostNamespaces" && e.facts.hostNetwork !== true) return "hostPidIpc";
  return undefined;
}

const expectations = (
  JSON.parse(fs.readFileSync(path.join(CORPUS, "expectations.json"), "utf8")) as Expectation[]
).filter((e) => e.peerVerdict !== "unknown");
const files = new Map<string, SourcedObject[]>();
function objectOf(e: Expectation): SourcedObject {
  const file = path.join(CORPUS, e.file);
  if (!files.has(file)) files.set(file, objectsIn(fs.readFileSync(file, "utf8"), file));
  const found = files.get(file)?.find((o) => o.index === e.index);
  if (!found) throw new Error(`no object ${e.index} in ${e.file}`);
  return found;
}

const results = expectations.map((e) => {
  const obj = objectOf(e);
  const failing = [
    ...new Set(
      scanObjects([obj], configFor(e))
        .filter((v) => v.level === "mandatory")
        .map((v) => v.policy),
    ),
  ];
  const ours = failing.length > 0 ? "fail" : "pass";
  return {
    e,
    obj,
    failing,
    ours,
    reason: ours === e.peerVerdict ? undefined : reasonFor(e, failing),
  };
});

describe("conformance with peer verdicts", () => {
  test("every expectation points at the object it names", () => {
    expect(
      results.filter(
        ({ e, obj }) =>
          obj.obj.kind !== (e.wrappedKind ?? e.kind) || obj.obj.metadata?.name !== e.name,
      ),
    ).toEqual([]);
    expect(
      results.filter(({ e }) => TOPIC[e.peerRule] === undefined).map(({ e }) => e.peerRule),
    ).toEqual([]);
  });

  test("every peer fail for NodePort, externalIPs and hostPort is flagged", () => {
    const missed = results.filter(
      ({ e, ours }) =>
        e.peerVerdict === "fail" &&
        ["nodePort", "externalIPs", "hostPort"].includes(TOPIC[e.peerRule] ?? "") &&
        ours === "pass",
    );
    expect(missed.map(({ e }) => `${e.file}#${e.index}`)).toEqual([]);
    expect(
      results.filter(
        ({ e }) =>
          e.peerVerdict === "fail" &&
          ["nodePort", "externalIPs", "hostPort"].includes(TOPIC[e.peerRule] ?? ""),
      ).length,
    ).toBeGreaterThan(130);
  });

  test("every other disagreement is one of the enumerated design differences", () => {
    const unexplained = results.filter(
      ({ e, ours, reason }) => ours !== e.peerVerdict && reason === undefined,
    );
    expect(
      unexplained.map(
        ({ e, failing }) =>
          `${e.peer} ${e.peerRule} ${e.file}#${e.index} peer=${e.peerVerdict} zeroport=${failing.join(",") || "pass"}`,
      ),
    ).toEqual([]);
  });

  test("the agreement table", () => {
    const rows = new Map<string, { agree: number; differ: Record<string, number> }>();
    for (const { e, ours, reason } of results) {
      const key = `${e.peer} ${e.peerRule}`;
      const row = rows.get(key) ?? { agree: 0, differ: {} };
      if (ours === e.peerVerdict) row.agree += 1;
      else row.differ[reason ?? "unexplained"] = (row.differ[reason ?? "unexplained"] ?? 0) + 1;
      rows.set(key, row);
    }
    const agreeing = results.filter(({ e, ours }) => ours === e.peerVerdict).length;
    if (process.env.CONFORMANCE_TABLE) {
      const lines = [...rows].map(
        ([k, r]) =>
          `| ${k} | ${r.agree} | ${
            Object.entries(r.differ)
              .map(([why, n]) => `${n} ${why}`)
              .join("; ") || "-"
          } |`,
      );
      process.stdout.write(
        `| peer rule | agree | differ (why) |\n|---|---|---|\n${lines.join("\n")}\n\n${agreeing}/${results.length} agree\n${Object.entries(
          REASONS,
        )
          .map(([k, v]) => `- ${k}: ${v}`)
          .join("\n")}\n`,
      );
    }
    expect(agreeing + results.filter((r) => r.reason).length).toBe(results.length);
  });
});
