/** CoreDNS server blocks that forward the Ziti domains to the node nameserver. */
export function corednsSnippets(
  domains: readonly string[],
  nameserver: string,
  nodeLocalDnsBind: readonly [nodeLocalDnsIp: string, kubeDnsIp: string],
) {
  const block = (domain: string, extra: string[]) =>
    [
      `${domain}:53 {`,
      "    errors",
      "    cache 30",
      ...extra,
      `    forward . ${nameserver}`,
      "}",
    ].join("\n");
  return {
    /** For the `coredns-custom` ConfigMap (a `*.server` key) that k3s and AKS import. */
    corednsCustom: domains.map((d) => block(d, [])).join("\n"),
    /**
     * For the Corefile of NodeLocal DNSCache (ConfigMap kube-system/node-local-dns), so each node
     * resolves on its own tunneler. Bound to the link-local address and the kube-dns IP, as every
     * block of that Corefile is: in iptables mode pods keep asking the kube-dns IP.
     */
    nodeLocalDns: domains
      .map((d) => block(d, ["    reload", `    bind ${nodeLocalDnsBind.join(" ")}`]))
      .join("\n"),
  };
}
