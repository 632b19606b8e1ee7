import { before, parseVersion } from "../../base/versions";

test("tags parse as numbers; a pre-release comes before its release", () => {
  expect(parseVersion("v1.18.7")).toEqual([1, 18, 7, 1]);
  expect(parseVersion("2.0.0-rc.1")).toEqual([2, 0, 0, 0]);
  expect(parseVersion("latest")).toBeUndefined();
  expect(before([1, 9, 9, 1], [1, 10, 0, 1])).toBe(true);
  expect(before([2, 0, 0, 0], [2, 0, 0, 1])).toBe(true);
  expect(before([3, 14, 0], [3, 14, 0, 1])).toBe(false);
  expect(before([4, 3, 2], [3, 14, 0, 1])).toBe(false);
});
