import { describe, expect, test } from "vitest";
import { isCalendarDay, parseAllocationListParams } from "./allocations";

describe("parseAllocationListParams", () => {
  test("keeps usable filters", () => {
    expect(parseAllocationListParams({ resource: "sms_quota", treatment: " win_back_sms ", outcome: "denied", from: "2026-06-01", to: "2026-06-30", page: "3" })).toEqual({
      resource: "sms_quota",
      treatment: "win_back_sms",
      outcome: "denied",
      from: "2026-06-01",
      to: "2026-06-30",
      page: 3,
      problems: [],
    });
  });

  test.each([
    { case: "nothing", raw: {}, expected: { page: 1, problems: [] } },
    { case: "blank fields", raw: { resource: "", treatment: "", outcome: "", from: "", to: "" }, expected: { page: 1, problems: [] } },
    { case: "an unknown outcome", raw: { outcome: "stolen" }, expected: { outcome: undefined, problems: [] } },
    { case: "repeated keys keep the first", raw: { resource: ["a", "b"] }, expected: { resource: "a" } },
    { case: "a nonsense page", raw: { page: "-4" }, expected: { page: 1 } },
    {
      case: "a day that does not exist",
      raw: { from: "2026-02-30" },
      expected: { from: undefined, problems: ['The from date "2026-02-30" is not a calendar date (YYYY-MM-DD); it was ignored.'] },
    },
    {
      case: "a date in another format",
      raw: { to: "30/06/2026" },
      expected: { to: undefined, problems: ['The to date "30/06/2026" is not a calendar date (YYYY-MM-DD); it was ignored.'] },
    },
    {
      case: "from after to",
      raw: { from: "2026-07-01", to: "2026-06-01" },
      expected: { from: undefined, to: undefined, problems: ["The from date 2026-07-01 is after the to date 2026-06-01; the date range was ignored."] },
    },
    { case: "a one-day range", raw: { from: "2026-06-01", to: "2026-06-01" }, expected: { from: "2026-06-01", to: "2026-06-01", problems: [] } },
  ])("$case", ({ raw, expected }) => {
    expect(parseAllocationListParams(raw)).toMatchObject(expected);
  });
});

test.each([
  ["2026-06-01", true],
  ["2028-02-29", true],
  ["2026-02-29", false],
  ["2026-6-1", false],
  ["2026-13-01", false],
  ["tomorrow", false],
])("isCalendarDay(%s) is %s", (value, expected) => {
  expect(isCalendarDay(value)).toBe(expected);
});
