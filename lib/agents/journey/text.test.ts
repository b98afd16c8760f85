import { describe, expect, test } from "vitest";
import { median } from "./text";

describe("median", () => {
  test.each([
    { values: [], expected: null },
    { values: [4], expected: 4 },
    { values: [9, 1, 5], expected: 5 },
    { values: [10, 2, 4, 8], expected: 6 },
  ])("of $values is $expected", ({ values, expected }) => {
    const given = [...values];
    expect(median(values)).toBe(expected);
    // The caller's array keeps its order.
    expect(values).toEqual(given);
  });
});
