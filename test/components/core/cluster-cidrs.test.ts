// A tunneler's Ziti range never takes over the cluster's own ranges where the user names them:
// the overlap test, and the refusal in every component that claims a range (on the node or in
// the pod), naming both fields.
import { cidrsOverlap } from "../../../components/core/cluster-cidrs";
import { NodeProxyDaemonsetArgsSchema } from "../../../components/ziti/node-proxy-daemonset";
import { RouterTunnelerArgsSchema } from "../../../components/ziti/router-tunneler";
import { TproxySidecarArgsSchema } from "../../../components/ziti/tproxy-sidecar";
import { identityJson, jwt } from "../../helpers/fixtures";

test.each([
  ["100.64.0.1/10", "100.64.0.0/16", true],
  ["100.64.0.1/10", "100.127.255.0/24", true],
  ["100.64.0.1/10", "100.128.0.0/16", false],
  ["100.127.0.1/16", "100.64.0.0/16", false],
  ["10.0.0.0/8", "10.96.0.0/12", true],
  ["100.64.0.1/10", "10.96.0.0/12", false],
  ["100.64.0.1/32", "100.64.0.1/32", true],
])("%s and %s overlap: %s", (a, b, overlap) => {
  expect(cidrsOverlap(a, b)).toBe(overlap);
  expect(cidrsOverlap(b, a)).toBe(overlap);
});

const EKS = { pods: ["100.64.0.0/16"], services: ["10.100.0.0/16"] };
const issues = (r: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
const overlap = (path: string, where: string) =>
  `${path}: overlaps clusterCidrs.pods[0] (100.64.0.0/16): the tunneler takes over its whole range ${where}, so cluster traffic to those addresses would go to Ziti; pick a range outside the cluster's (a smaller one inside 100.64.0.0/10, such as 100.127.0.1/16)`;

test("the default range is refused where the cluster's pods use CGNAT addresses, in every component", () => {
  expect(
    issues(
      NodeProxyDaemonsetArgsSchema.safeParse({
        identity: { json: identityJson() },
        clusterCidrs: EKS,
      }),
    ),
  ).toEqual([overlap("dnsIpRange", "on every node")]);
  expect(
    issues(
      TproxySidecarArgsSchema.safeParse({
        identity: { json: identityJson() },
        clusterCidrs: EKS,
      }),
    ),
  ).toEqual([overlap("dnsIpRange", "in the pod")]);
  expect(
    issues(
      RouterTunnelerArgsSchema.safeParse({
        enrollment: { jwt: jwt({ em: "erott" }) },
        tunnel: { mode: "tproxy" },
        clusterCidrs: EKS,
      }),
    ),
  ).toEqual([overlap("tunnel.dnsSvcIpRange", "in the pod")]);
});

test("a range outside the cluster's, or no cluster ranges given, passes", () => {
  expect(
    NodeProxyDaemonsetArgsSchema.safeParse({
      identity: { json: identityJson() },
      dnsIpRange: "100.127.0.1/16",
      clusterCidrs: EKS,
    }).success,
  ).toBe(true);
  expect(
    NodeProxyDaemonsetArgsSchema.safeParse({ identity: { json: identityJson() } }).success,
  ).toBe(true);
  // A host-mode router claims no range.
  expect(
    RouterTunnelerArgsSchema.safeParse({
      enrollment: { jwt: jwt({ em: "erott" }) },
      clusterCidrs: EKS,
    }).success,
  ).toBe(true);
  expect(
    issues(
      NodeProxyDaemonsetArgsSchema.safeParse({
        identity: { json: identityJson() },
        clusterCidrs: { pods: ["100.64.0.0/33"], services: ["fd00::/108"] },
      }),
    ),
  ).toEqual([
    "clusterCidrs.pods.0: must be an IPv4 CIDR such as 100.64.0.1/10",
    "clusterCidrs.services.0: must be an IPv4 CIDR such as 100.64.0.1/10",
  ]);
});
