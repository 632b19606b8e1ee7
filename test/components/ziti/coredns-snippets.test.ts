import { corednsSnippets } from "../../../components/ziti/coredns-snippets";

describe("CoreDNS snippets", () => {
  test("coredns-custom forwards each Ziti domain to the node nameserver", () => {
    expect(
      corednsSnippets(["ziti.internal", "svc.ziti"], "100.64.0.2", ["169.254.20.10", "10.96.0.10"])
        .corednsCustom,
    ).toBe(
      "ziti.internal:53 {\n    errors\n    cache 30\n    forward . 100.64.0.2\n}\n" +
        "svc.ziti:53 {\n    errors\n    cache 30\n    forward . 100.64.0.2\n}",
    );
  });

  test("NodeLocal DNSCache blocks bind the link-local address and the kube-dns IP", () => {
    // helm-charts charts/ziti-edge-tunnel/README.md: `bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__`.
    expect(
      corednsSnippets(["ziti.internal"], "100.64.0.2", ["169.254.20.10", "10.43.0.10"])
        .nodeLocalDns,
    ).toBe(
      "ziti.internal:53 {\n    errors\n    cache 30\n    reload\n    bind 169.254.20.10 10.43.0.10\n    forward . 100.64.0.2\n}",
    );
  });
});
