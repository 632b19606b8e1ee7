// The pack as the Pulumi CLI runs it: policy/crossguard/index.ts constructs the PolicyPack, which serves the
// analyzer over gRPC; this test talks to that server as the engine would (GetAnalyzerInfo, Analyze).
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  AnalyzerResourceOptions,
  EnforcementLevel,
  type AnalyzeResponse,
  type AnalyzerInfo,
} from "@pulumi/pulumi/proto/analyzer_pb";

const ROOT = path.join(__dirname, "..", "..", "..");
let pack: ChildProcess;
let client: AnalyzerClient;

beforeAll(async () => {
  // The compiled pack as shipped (npm test builds first): dist/policy/crossguard.
  pack = spawn(process.execPath, [path.join(ROOT, "dist", "policy", "crossguard", "index.js")], {
    cwd: path.join(ROOT, "dist", "policy", "crossguard"),
  });
  const port = await new Promise<string>((resolve, reject) => {
    pack.stdout?.once("data", (d: Buffer) => resolve(d.toString().trim()));
    pack.once("exit", (code) => reject(new Error(`the pack exited with ${code}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  pack?.kill();
});

function analyze(type: string, props: Record<string, unknown>): Promise<AnalyzeResponse> {
  const req = new AnalyzeRequest()
    .setType(type)
    .setUrn(`urn:pulumi:s::p::${type}::r`)
    .setName("r")
    .setProperties(Struct.fromJavaScript(props as never))
    .setOptions(new AnalyzerResourceOptions());
  return new Promise((resolve, reject) =>
    client.analyze(req, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

test("announces every policy with its default level", async () => {
  const info = await new Promise<AnalyzerInfo>((resolve, reject) =>
    client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))),
  );
  expect(info.getName()).toBe("zeroport");
  expect(info.getPoliciesList().map((p) => `${p.getName()}:${p.getEnforcementlevel()}`)).toEqual([
    `exposure-exemptions:${EnforcementLevel.ADVISORY}`,
    `no-nodeport-services:${EnforcementLevel.MANDATORY}`,
    `no-loadbalancer-node-ports:${EnforcementLevel.MANDATORY}`,
    `loadbalancer-source-ranges:${EnforcementLevel.ADVISORY}`,
    `no-service-external-ips:${EnforcementLevel.MANDATORY}`,
    `no-host-ports:${EnforcementLevel.MANDATORY}`,
    `no-host-network-listeners:${EnforcementLevel.MANDATORY}`,
    `host-network-pods:${EnforcementLevel.MANDATORY}`,
    `zero-exposure:${EnforcementLevel.ADVISORY}`,
  ]);
});

test("reports a NodePort Service as a mandatory violation", async () => {
  const res = await analyze("kubernetes:core/v1:Service", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop" },
    spec: { type: "NodePort", ports: [{ port: 80, nodePort: 31080 }] },
  });
  expect(res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual(
    [["no-nodeport-services", EnforcementLevel.MANDATORY]],
  );
  expect(res.getDiagnosticsList()[0]?.getMessage()).toContain(
    "Service shop/web is of type NodePort: it opens node port(s) 31080 on every node",
  );
});

test("passes a hardened workload and reports an exemption as advisory", async () => {
  expect(
    (
      await analyze("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" }, data: {} })
    ).getDiagnosticsList(),
  ).toEqual([]);
  const exempt = await analyze("kubernetes:apps/v1:DaemonSet", {
    metadata: {
      name: "dns",
      namespace: "kube-system",
      annotations: { "zeroport.io/exposure-exception": "node-local DNS needs port 53" },
    },
    spec: {
      template: {
        spec: { containers: [{ name: "dns", ports: [{ containerPort: 53, hostPort: 53 }] }] },
      },
    },
  });
  expect(
    exempt.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()]),
  ).toEqual([["exposure-exemptions", EnforcementLevel.ADVISORY]]);
});
