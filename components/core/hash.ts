import { createHash } from "node:crypto";

/** The hex SHA-256 of a text: config checksums that restart pods when a config changes. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
