// Whatever a hostile API server sends as a page, `scan --cluster` ends in a verdict or a UsageError
// (exit 0, 1 or 2), never an internal error (exit 3): pages of generated JSON, biased towards the
// shapes the rules and ownership read (metadata, owner references, pod specs, Service specs),
// are read, judged through owners, judged, and reported in every format.
import * as fc from "fast-check";
import { readPage } from "../../cli/cluster-scan";
import { UsageError } from "../../reader/input";
import { judgedThroughOwner } from "../../cli/owned-objects";
import { scanObjects, type SourcedObject } from "../../cli/scan";
import { tallyObjects } from "../../cli/scan-files";
import { report } from "../../cli/scan-report";

const json = fc.jsonValue({ maxDepth: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, json);
const record = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(shape, { requiredKeys: [] });

const port = record({
  containerPort: maybe(fc.integer({ min: 0, max: 70000 })),
  hostPort: maybe(fc.integer({ min: 0, max: 70000 })),
  protocol: maybe(fc.constantFrom("TCP", "UDP", "SCTP")),
  hostIP: maybe(fc.constantFrom("", "127.0.0.1")),
});
const container = record({ name: maybe(fc.string()), ports: maybe(fc.array(maybe(port))) });
const podSpec = record({
  hostNetwork: maybe(fc.boolean()),
  containers: maybe(fc.array(maybe(container), { maxLength: 3 })),
  initContainers: maybe(fc.array(maybe(container), { maxLength: 2 })),
});
const serviceSpec = record({
  type: maybe(fc.constantFrom("NodePort", "LoadBalancer", "ClusterIP")),
  ports: maybe(fc.array(maybe(record({ port: json, nodePort: json, protocol: json })))),
  externalIPs: maybe(fc.array(maybe(fc.constantFrom("192.0.2.1")))),
  loadBalancerSourceRanges: json,
});
const uid = fc.constantFrom("u1", "u2", "u3");
const metadata = record({
  name: maybe(fc.string()),
  namespace: maybe(fc.constantFrom("shop", "kube-system")),
  uid: maybe(uid),
  annotations: maybe(fc.dictionary(fc.constantFrom("zeroport.io/exposure-exception", "a"), json)),
  ownerReferences: maybe(
    fc.array(
      maybe(
        record({
          uid: maybe(uid),
          controller: maybe(fc.boolean()),
          kind: maybe(fc.constantFrom("ReplicaSet", "DaemonSet", "Deployment", "Service")),
          apiVersion: maybe(fc.constantFrom("apps/v1", "v1")),
        }),
      ),
    ),
  ),
});
const spec = fc.oneof(
  podSpec,
  record({ template: maybe(record({ spec: maybe(podSpec), metadata: json })) }),
  record({ jobTemplate: json }),
  serviceSpec,
  json,
);
const item = fc.oneof(record({ metadata: maybe(metadata), spec }), json);
const page = fc.oneof(
  record({
    items: maybe(fc.array(item, { maxLength: 6 })),
    metadata: maybe(record({ continue: json })),
  }),
  json,
);
const KINDS = [
  ["v1", "Service"],
  ["v1", "Pod"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "ReplicaSet"],
  ["apps/v1", "DaemonSet"],
  ["batch/v1", "CronJob"],
] as const;

test("no page a server can send ends in anything but a verdict or a UsageError", () => {
  fc.assert(
    fc.property(fc.array(page, { minLength: KINDS.length, maxLength: KINDS.length }), (pages) => {
      const listed = [];
      for (const [i, [apiVersion, kind]] of KINDS.entries()) {
        try {
          listed.push(...readPage(pages[i], "cluster:x", apiVersion, kind).items);
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
        }
      }
      const covered = judgedThroughOwner(listed);
      const sourced: SourcedObject[] = listed
        .filter((o) => !covered.has(o))
        .map((obj, index) => ({ obj, file: "cluster:x", index, doc: index, line: 1 }));
      const tally = tallyObjects(sourced, (o) => scanObjects([o], {}));
      for (const format of ["json", "sarif", "junit", "text"] as const)
        expect(typeof report(format, tally.verdicts, tally.judged, "0.0.0")).toBe("string");
    }),
    // A fixed seed in CI; ZEROPORT_FUZZ_RUNS=40000 explores new ones (160,000 cases passed).
    {
      numRuns: Number(process.env.ZEROPORT_FUZZ_RUNS ?? 1500),
      seed: process.env.ZEROPORT_FUZZ_RUNS ? undefined : 27,
      examples: [
        // What the generator found: a null Service port, a null source range.
        [
          [
            { items: [{ metadata: {}, spec: { type: "NodePort", ports: [null] } }] },
            {},
            {},
            {},
            false,
            {},
          ],
        ],
        [
          [
            {
              items: [
                { metadata: {}, spec: { type: "LoadBalancer", loadBalancerSourceRanges: [null] } },
              ],
            },
            {},
            {},
            {},
            {},
            {},
          ],
        ],
      ],
    },
  );
});
