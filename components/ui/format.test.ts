import { expect, test } from "vitest";
import { formatDateTime, formatMoney, formatPercent, formatRunName, formatTenure, humanize, plural } from "./format";

test.each([
  { value: 0, text: "£0.00" },
  { value: 12.5, text: "£12.50" },
  { value: 1234.567, text: "£1,234.57" },
  { value: -3.2, text: "-£3.20" },
])("formatMoney($value) is $text", ({ value, text }) => {
  expect(formatMoney(value)).toBe(text);
});

test.each([
  { months: 0, text: "0 mo" },
  { months: 11, text: "11 mo" },
  { months: 12, text: "1 yr" },
  { months: 30, text: "2 yr 6 mo" },
])("formatTenure($months) is $text", ({ months, text }) => {
  expect(formatTenure(months)).toBe(text);
});

test("formatDateTime shows UK time, summer and winter", () => {
  expect(formatDateTime(new Date("2026-07-01T12:00:00Z"))).toBe("1 Jul 2026, 13:00");
  expect(formatDateTime(new Date("2026-01-01T12:00:00Z"))).toBe("1 Jan 2026, 12:00");
  expect(formatDateTime(null)).toBe("—");
});

test("formatPercent and humanize", () => {
  expect(formatPercent(0.834)).toBe("83%");
  expect(humanize("pending_review")).toBe("Pending review");
});

test.each([
  { count: 0, singular: "decision", plural: undefined, text: "0 decisions" },
  { count: 1, singular: "decision", plural: undefined, text: "1 decision" },
  { count: 2, singular: "decision", plural: undefined, text: "2 decisions" },
  { count: 1302, singular: "decision", plural: undefined, text: "1,302 decisions" },
  { count: 1, singular: "entry", plural: "entries", text: "1 entry" },
  { count: 3, singular: "entry", plural: "entries", text: "3 entries" },
])("plural($count, $singular) is $text: singular only for exactly one", ({ count, singular, plural: pluralForm, text }) => {
  expect(plural(count, singular, pluralForm)).toBe(text);
});

test.each([
  { at: "2026-12-06T21:03:00Z", text: "Run 6 Dec, 21:03" },
  { at: "2026-07-01T23:30:00Z", text: "Run 2 Jul, 00:30" },
])("formatRunName($at) is $text: UK time, the next day after midnight in summer", ({ at, text }) => {
  expect(formatRunName(new Date(at))).toBe(text);
});
