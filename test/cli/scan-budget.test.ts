// The bounds of one `scan --cluster`: each is hit exactly past its limit, with the flag that
// raises it; the flags' spellings.
import { UsageError } from "../../reader/input";
import { maxPages, parseBytes, parseCount, ScanBudget, scanLimits } from "../../cli/scan-budget";

const limits = { scanTimeoutMs: 1000, maxObjects: 1000, maxBytes: 4096 };
const message = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as UsageError).lines.join("\n");
  }
  return "no error";
};

test("objects, bytes and pages stop the scan just past their limit", () => {
  const budget = new ScanBudget(limits, "cluster:x", 500, 2);
  budget.addPage(1000);
  expect(message(() => budget.addPage(1))).toBe(
    "cluster:x: more than 1000 objects (--max-objects sets the limit; --namespace scans less); the scan is incomplete",
  );
  const bytes = new ScanBudget(limits, "cluster:x", 500, 2);
  bytes.addBytes(4096);
  expect(message(() => bytes.addBytes(1))).toBe(
    "cluster:x: the answers add up to more than 4096 bytes (--max-bytes sets the limit; --namespace scans less); the scan is incomplete",
  );
  expect(maxPages(limits, 500, 2)).toBe(16);
  const pages = new ScanBudget(limits, "cluster:x", 500, 2);
  for (let i = 0; i < 16; i += 1) pages.addPage(0);
  expect(message(() => pages.addPage(0))).toBe(
    "cluster:x: the server sent more than 16 pages for 0 objects: it does not stop paging; the scan is incomplete",
  );
});

test("the scan's time runs from its start, for every request after it", () => {
  let now = 0;
  const budget = new ScanBudget(limits, "cluster:x", 500, 2, () => now);
  now = 400;
  expect(budget.remainingMs()).toBe(600);
  now = 1000;
  expect(message(() => budget.remainingMs())).toBe(
    "cluster:x: the scan took longer than 1s (--scan-timeout sets the limit); the scan is incomplete",
  );
});

test("flag spellings: sizes with Ki, Mi, Gi; whole counts; durations as --request-timeout takes them", () => {
  expect([parseBytes("512"), parseBytes("4Ki"), parseBytes("256Mi"), parseBytes("1Gi")]).toEqual([
    512,
    4096,
    256 * 1048576,
    1073741824,
  ]);
  for (const bad of ["0", "1.5Mi", "1MB", "-1", ""])
    expect(() => parseBytes(bad)).toThrow(UsageError);
  expect(parseCount("max-objects", "20")).toBe(20);
  for (const bad of ["0", "2.5", "1e3", "x"])
    expect(() => parseCount("max-objects", bad)).toThrow(UsageError);
  expect(scanLimits({})).toEqual({
    scanTimeoutMs: 600_000,
    maxObjects: 200_000,
    maxBytes: 268435456,
  });
  expect(scanLimits({ scanTimeout: "2m", maxObjects: "5", maxBytes: "1Mi" })).toEqual({
    scanTimeoutMs: 120_000,
    maxObjects: 5,
    maxBytes: 1048576,
  });
});
