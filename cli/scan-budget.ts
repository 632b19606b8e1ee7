/**
 * What one `scan --cluster` may spend, whatever the server answers: time for the whole scan,
 * pages, objects and bytes read. A server that pages forever (alternating or ever-new continue
 * tokens), or answers with endless fat pages, ends the scan with exit 2 and a message naming the
 * bound and the flag that raises it; memory stays bounded because everything kept was read within
 * the byte bound (and less is kept than read: cli/cluster-scan.ts keeps what the rules read).
 */
import { UsageError } from "../reader/input";
import { parseTimeout } from "../kube-client/kube-get";

export interface ScanLimits {
  /** The whole scan, in milliseconds. */
  scanTimeoutMs: number;
  maxObjects: number;
  /** Bytes of answers, summed over every request. */
  maxBytes: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  scanTimeoutMs: 10 * 60_000,
  maxObjects: 200_000,
  maxBytes: 256 * 1024 * 1024,
};

/** Pages an honest server needs for `maxObjects` in pages of `pageSize`, with room for short pages. */
export const maxPages = (limits: ScanLimits, pageSize: number, lists: number) =>
  Math.ceil(limits.maxObjects / pageSize) * 4 + lists * 4;

const UNITS: Record<string, number> = { "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** `--max-bytes`: a number of bytes, or with Ki, Mi or Gi (Kubernetes' binary suffixes). */
export function parseBytes(value: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(value.trim());
  const bytes = m ? Number(m[1]) * (UNITS[m[2] ?? ""] ?? NaN) : NaN;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes))
    throw new UsageError([
      `--max-bytes: must be a positive size such as 256Mi or 1Gi (got ${JSON.stringify(value)})`,
    ]);
  return bytes;
}

/** `--max-objects`: a positive whole number. */
export function parseCount(flag: string, value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n > 0) || !Number.isSafeInteger(n))
    throw new UsageError([
      `--${flag}: must be a positive whole number (got ${JSON.stringify(value)})`,
    ]);
  return n;
}

/** The limits from the flags, defaults where a flag is unset. */
export function scanLimits(flags: {
  scanTimeout?: string;
  maxObjects?: string;
  maxBytes?: string;
}): ScanLimits {
  return {
    scanTimeoutMs:
      flags.scanTimeout === undefined
        ? DEFAULT_SCAN_LIMITS.scanTimeoutMs
        : parseTimeout(flags.scanTimeout, "--scan-timeout"),
    maxObjects:
      flags.maxObjects === undefined
        ? DEFAULT_SCAN_LIMITS.maxObjects
        : parseCount("max-objects", flags.maxObjects),
    maxBytes:
      flags.maxBytes === undefined ? DEFAULT_SCAN_LIMITS.maxBytes : parseBytes(flags.maxBytes),
  };
}

const mib = (bytes: number) =>
  bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${bytes} bytes`;

/** The running account of one scan against its limits. */
export class ScanBudget {
  private pages = 0;
  private objects = 0;
  private bytes = 0;
  private readonly deadline: number;
  private readonly pageLimit: number;

  constructor(
    private readonly limits: ScanLimits,
    private readonly source: string,
    pageSize: number,
    lists: number,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + limits.scanTimeoutMs;
    this.pageLimit = maxPages(limits, pageSize, lists);
  }

  private stop(line: string): never {
    throw new UsageError([`${this.source}: ${line}; the scan is incomplete`]);
  }

  /** Milliseconds left for the next request; stops the scan when none are left. */
  remainingMs(): number {
    const left = this.deadline - this.now();
    if (left <= 0)
      this.stop(
        `the scan took longer than ${this.limits.scanTimeoutMs / 1000}s (--scan-timeout sets the limit)`,
      );
    return left;
  }

  /** Counts the bytes of an answer as they arrive. */
  addBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes)
      this.stop(
        `the answers add up to more than ${mib(this.limits.maxBytes)} (--max-bytes sets the limit; --namespace scans less)`,
      );
  }

  /** Counts one page and its objects. */
  addPage(objects: number): void {
    this.pages += 1;
    this.objects += objects;
    if (this.objects > this.limits.maxObjects)
      this.stop(
        `more than ${this.limits.maxObjects} objects (--max-objects sets the limit; --namespace scans less)`,
      );
    if (this.pages > this.pageLimit)
      this.stop(
        `the server sent more than ${this.pageLimit} pages for ${this.objects} objects: it does not stop paging`,
      );
  }
}
