import { z } from "zod";
import { parseIPv4 } from "../core/net";
import type { RunAs } from "../core/security";

/** The ZTM images create user `ztm` without a fixed UID; the first user Debian creates is 1000. */
export const ZTM_USER: RunAs = { uid: 1000, gid: 1000 };

/** A mesh or endpoint name: letters, digits, '.', '_' and '-'. */
export const ZtmName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

/** `host:port` of a hub as agents dial it. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1] ?? "", port } : undefined;
}

export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== undefined || host.includes(":") || host.startsWith("[");
}
