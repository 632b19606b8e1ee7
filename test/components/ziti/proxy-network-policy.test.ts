import {
  complementPorts,
  loopbackIngressPorts,
} from "../../../components/ziti/proxy-network-policy";

describe("the pod-network NetworkPolicy keeps other pods off the proxy ports", () => {
  test("every other port stays open", () => {
    expect(complementPorts([8443])).toEqual([
      { port: 1, endPort: 8442 },
      { port: 8444, endPort: 65535 },
    ]);
    expect(complementPorts([1, 3, 65535])).toEqual([{ port: 2 }, { port: 4, endPort: 65534 }]);
    expect(complementPorts([])).toEqual([{ port: 1, endPort: 65535 }]);
  });

  test("per protocol", () => {
    expect(
      loopbackIngressPorts({
        services: [
          { port: 8443, protocols: ["tcp"] },
          { port: 5353, protocols: ["udp"] },
        ],
      }),
    ).toEqual([
      { protocol: "TCP", port: 1, endPort: 8442 },
      { protocol: "TCP", port: 8444, endPort: 65535 },
      { protocol: "UDP", port: 1, endPort: 5352 },
      { protocol: "UDP", port: 5354, endPort: 65535 },
      { protocol: "SCTP", port: 1, endPort: 65535 },
    ]);
  });
});
