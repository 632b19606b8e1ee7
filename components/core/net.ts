import { z } from "zod";

/** An IPv4 address as a 32-bit number, or undefined when the text is not one. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export const IPv4 = z
  .string()
  .refine((s) => parseIPv4(s) !== undefined, "must be an IPv4 address such as 10.96.0.10");

/** `a.b.c.d/n`: an address (the tun interface's, for a DNS range) and its prefix. */
export interface Cidr {
  address: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [ip, bits, ...rest] = text.split("/");
  const address = parseIPv4(ip ?? "");
  const prefix = Number(bits);
  if (rest.length > 0 || address === undefined || !/^\d{1,2}$/.test(bits ?? "") || prefix > 32)
    return undefined;
  return { address, prefix };
}

/** The first and last addresses of the network a CIDR belongs to. */
export function cidrBounds(cidr: Cidr): { first: number; last: number } {
  const size = 2 ** (32 - cidr.prefix);
  const first = Math.floor(cidr.address / size) * size;
  return { first, last: first + size - 1 };
}

export const Cidr4 = z
  .string()
  .refine((s) => parseCidr(s) !== undefined, "must be an IPv4 CIDR such as 100.64.0.1/10");

/**
 * The Ziti nameserver of a DNS IP range: the tunneler gives its tun interface the address written
 * in the range and answers DNS on the next one ("always the tun interface address + 1").
 * Undefined when that address falls outside the range or is its broadcast address.
 */
export function zitiNameserver(range: string): string | undefined {
  const cidr = parseCidr(range);
  if (!cidr) return undefined;
  const { last } = cidrBounds(cidr);
  const next = cidr.address + 1;
  return next < last ? formatIPv4(next) : undefined;
}

/** A DNS resolver or upstream as the Go tunneler takes it: `udp://host:port` or `tcp://host:port`. */
export const DnsUri = z
  .string()
  .regex(
    /^(udp|tcp):\/\/[A-Za-z0-9.-]+:\d{1,5}$/,
    "must be `udp://host:port` or `tcp://host:port`",
  );
