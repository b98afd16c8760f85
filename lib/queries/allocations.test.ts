import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import type { AllocationOutcome } from "../generated/prisma/enums";
import { addDays, getAllocationSeries, listAllocationFilterOptions, listAllocations, SERIES_MAX_DAYS, ukDay, ukDayStart } from "./allocations";
import { insertCustomers, insertResource, insertTreatment, minutesAfterStart } from "./test-fixtures";

let t: TestDatabase;
const TOTAL = 53;

beforeAll(async () => {
  t = await createTestDatabase();
  await insertCustomers(t.prisma, [{ id: "A1", name: "Ann Example" }]);
  await insertResource(t.prisma, { key: "call_center_slots", name: "Call-centre slots" });
  await insertTreatment(t.prisma, { key: "retention_call", name: "Retention call", resourceKey: "call_center_slots" });
  await t.prisma.allocation.createMany({
    data: Array.from({ length: TOTAL }, (_, i) => ({
      resourceKey: "call_center_slots",
      treatmentKey: "retention_call",
      customerId: "A1",
      outcome: i % 4 === 3 ? ("denied" as const) : ("held" as const),
      reason: `attempt ${i + 1}`,
      priority: i / 10,
      periodStart: minutesAfterStart(0),
      createdAt: minutesAfterStart(i + 1),
    })),
  });
});

afterAll(async () => {
  await t.drop();
});

test("first page holds the 50 newest attempts, newest first", async () => {
  const page = await listAllocations(t.prisma, { page: 1 });
  expect(page.total).toBe(TOTAL);
  expect(page.pageCount).toBe(2);
  expect(page.rows).toHaveLength(50);
  expect(page.rows[0]?.reason).toBe(`attempt ${TOTAL}`);
  expect(page.rows[49]?.reason).toBe("attempt 4");
});

test("page 2 holds the 3 oldest attempts", async () => {
  const page = await listAllocations(t.prisma, { page: 2 });
  expect(page.rows.map((r) => r.reason)).toEqual(["attempt 3", "attempt 2", "attempt 1"]);
});

test("rows name resource, treatment and customer, with the id as a string", async () => {
  const page = await listAllocations(t.prisma, { page: 2 });
  expect(page.rows[0]).toMatchObject({
    resource: { key: "call_center_slots", name: "Call-centre slots" },
    treatment: { key: "retention_call", name: "Retention call" },
    customer: { id: "A1", name: "Ann Example" },
    outcome: "held",
    units: 1,
    priority: 0.2,
  });
  expect(typeof page.rows[0]?.id).toBe("string");
});

describe("UK days", () => {
  test.each([
    { day: "2026-01-15", start: "2026-01-15T00:00:00.000Z" },
    { day: "2026-07-15", start: "2026-07-14T23:00:00.000Z" },
    { case: "clocks go forward that night", day: "2026-03-29", start: "2026-03-29T00:00:00.000Z" },
    { case: "the first summer day", day: "2026-03-30", start: "2026-03-29T23:00:00.000Z" },
    { case: "clocks go back that night", day: "2026-10-25", start: "2026-10-24T23:00:00.000Z" },
    { case: "the first winter day", day: "2026-10-26", start: "2026-10-26T00:00:00.000Z" },
  ])("ukDayStart($day) is $start", ({ day, start }) => {
    expect(ukDayStart(day).toISOString()).toBe(start);
    expect(ukDay(ukDayStart(day))).toBe(day);
    expect(ukDay(new Date(ukDayStart(day).getTime() - 1))).toBe(addDays(day, -1));
  });

  test("agrees with PostgreSQL's time zone rules for every day of a year", async () => {
    const rows = await t.prisma.$queryRaw<{ day: string; start: Date }[]>`
      SELECT to_char(d, 'YYYY-MM-DD') AS day, (d::timestamp AT TIME ZONE 'Europe/London') AS start
        FROM generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') AS d`;
    expect(rows).toHaveLength(365);
    for (const r of rows) expect(ukDayStart(r.day).toISOString(), r.day).toBe(r.start.toISOString());
  });

  test.each([
    { day: "2026-02-28", days: 1, expected: "2026-03-01" },
    { day: "2028-02-28", days: 1, expected: "2028-02-29" },
    { day: "2026-01-01", days: -1, expected: "2025-12-31" },
  ])("addDays($day, $days) is $expected", ({ day, days, expected }) => {
    expect(addDays(day, days)).toBe(expected);
  });
});

describe("filters and daily series", () => {
  let s: TestDatabase;
  type Attempt = { at: string; outcome: AllocationOutcome; resource?: string; treatment?: string };
  // Summer time: 23:30 UTC on 1 June is already 2 June in the UK.
  const attempts: Attempt[] = [
    { at: "2026-06-01T08:00:00Z", outcome: "held" },
    { at: "2026-06-01T09:00:00Z", outcome: "held" },
    { at: "2026-06-01T10:00:00Z", outcome: "denied" },
    { at: "2026-06-01T11:00:00Z", outcome: "confirmed" },
    { at: "2026-06-01T23:30:00Z", outcome: "denied" },
    { at: "2026-06-02T12:00:00Z", outcome: "released" },
    { at: "2026-06-03T12:00:00Z", outcome: "held", resource: "sms", treatment: "sms_offer" },
    { at: "2026-06-03T13:00:00Z", outcome: "denied", resource: "sms", treatment: "sms_offer" },
    { at: "2026-06-03T14:00:00Z", outcome: "denied", resource: "sms", treatment: "sms_offer" },
    { at: "2026-06-03T15:00:00Z", outcome: "denied", resource: "sms", treatment: "sms_offer" },
    { at: "2026-06-05T10:00:00Z", outcome: "held", treatment: "call_back" },
  ];

  beforeAll(async () => {
    s = await createTestDatabase();
    await insertCustomers(s.prisma, [{ id: "C1" }]);
    await insertResource(s.prisma, { key: "calls", name: "Call slots" });
    await insertResource(s.prisma, { key: "sms", name: "SMS quota" });
    await insertTreatment(s.prisma, { key: "retention_call", name: "Retention call", resourceKey: "calls" });
    await insertTreatment(s.prisma, { key: "call_back", name: "Call back", resourceKey: "calls" });
    await insertTreatment(s.prisma, { key: "sms_offer", name: "SMS offer", resourceKey: "sms", channel: "sms" });
    await insertTreatment(s.prisma, { key: "email_offer", name: "Email offer", channel: "email" });
    await s.prisma.allocation.createMany({
      data: attempts.map((a, i) => ({
        resourceKey: a.resource ?? "calls",
        treatmentKey: a.treatment ?? "retention_call",
        customerId: "C1",
        outcome: a.outcome,
        reason: `attempt ${i + 1}`,
        periodStart: new Date("2026-06-01T00:00:00Z"),
        createdAt: new Date(a.at),
      })),
    });
  });
  afterAll(async () => {
    await s.drop();
  });

  const reasons = async (filters: Parameters<typeof listAllocations>[1]["filters"]) =>
    (await listAllocations(s.prisma, { page: 1, filters })).rows.map((r) => r.reason);

  test.each([
    { case: "by resource", filters: { resourceKey: "sms" }, expected: ["attempt 10", "attempt 9", "attempt 8", "attempt 7"] },
    { case: "by treatment", filters: { treatmentKey: "call_back" }, expected: ["attempt 11"] },
    { case: "by outcome", filters: { outcome: "denied" as const, resourceKey: "calls" }, expected: ["attempt 5", "attempt 3"] },
    { case: "from a UK day (23:30 UTC the day before counts)", filters: { from: "2026-06-02", to: "2026-06-02" }, expected: ["attempt 6", "attempt 5"] },
    { case: "up to a UK day, inclusive", filters: { to: "2026-06-01" }, expected: ["attempt 4", "attempt 3", "attempt 2", "attempt 1"] },
    { case: "all filters together", filters: { resourceKey: "sms", outcome: "held" as const, from: "2026-06-03", to: "2026-06-03" }, expected: ["attempt 7"] },
    { case: "a range with nothing in it", filters: { from: "2026-07-01" }, expected: [] },
  ])("listAllocations filters $case", async ({ filters, expected }) => {
    expect(await reasons(filters)).toEqual(expected);
  });

  test("the total counts only the filtered rows", async () => {
    expect((await listAllocations(s.prisma, { page: 1, filters: { resourceKey: "sms" } })).total).toBe(4);
  });

  test("filter options: every resource, and only treatments that consume one", async () => {
    expect(await listAllocationFilterOptions(s.prisma)).toEqual({
      resources: [
        { key: "calls", name: "Call slots" },
        { key: "sms", name: "SMS quota" },
      ],
      treatments: [
        { key: "call_back", name: "Call back" },
        { key: "retention_call", name: "Retention call" },
        { key: "sms_offer", name: "SMS offer" },
      ],
    });
  });

  test("the series counts outcomes per UK day per resource and for all, with empty days as zeros", async () => {
    const series = await getAllocationSeries(s.prisma, { from: "2026-06-01", to: "2026-06-05" });
    expect(series).toMatchObject({ from: "2026-06-01", to: "2026-06-05", isTruncated: false });
    const of = (key: string | null) => series.days.filter((d) => d.resourceKey === key);
    expect(of(null)).toEqual([
      { day: "2026-06-01", resourceKey: null, held: 2, confirmed: 1, released: 0, denied: 1, denialRate: 1 / 3 },
      { day: "2026-06-02", resourceKey: null, held: 0, confirmed: 0, released: 1, denied: 1, denialRate: 1 },
      { day: "2026-06-03", resourceKey: null, held: 1, confirmed: 0, released: 0, denied: 3, denialRate: 0.75 },
      { day: "2026-06-04", resourceKey: null, held: 0, confirmed: 0, released: 0, denied: 0, denialRate: null },
      { day: "2026-06-05", resourceKey: null, held: 1, confirmed: 0, released: 0, denied: 0, denialRate: 0 },
    ]);
    expect(of("calls").map((d) => [d.day, d.held, d.denied])).toEqual([
      ["2026-06-01", 2, 1],
      ["2026-06-02", 0, 1],
      ["2026-06-03", 0, 0],
      ["2026-06-04", 0, 0],
      ["2026-06-05", 1, 0],
    ]);
    expect(of("sms").map((d) => d.denialRate)).toEqual([null, null, 0.75, null, null]);
    expect(series.days).toHaveLength(15);
  });

  test("the series follows the resource and treatment filters but not the outcome", async () => {
    const series = await getAllocationSeries(s.prisma, { resourceKey: "calls", treatmentKey: "retention_call", outcome: "denied", from: "2026-06-01", to: "2026-06-03" });
    expect(new Set(series.days.map((d) => d.resourceKey))).toEqual(new Set([null, "calls"]));
    expect(series.days.filter((d) => d.resourceKey === null).map((d) => [d.held, d.confirmed, d.released, d.denied])).toEqual([
      [2, 1, 0, 1],
      [0, 0, 1, 1],
      [0, 0, 0, 0],
    ]);
  });

  test.each([
    { filters: { resourceKey: "sms" }, from: "2026-06-03", to: "2026-06-03", bucket: "hour", buckets: 24, title: "one day's work is charted by the hour" },
    { filters: {}, from: "2026-06-01", to: "2026-06-05", bucket: "day", buckets: 5, title: "five days' work is charted by the day" },
    { filters: { from: "2026-06-01" }, from: "2026-06-01", to: "2026-06-05", bucket: "day", buckets: 5, title: "a start alone ends at the latest attempt" },
    { filters: { to: "2026-07-31" }, from: "2026-07-02", to: "2026-07-31", bucket: "day", buckets: 30, title: "an end alone starts at most 30 days back" },
  ])("without both dates: $title", async ({ filters, from, to, bucket, buckets }) => {
    const series = await getAllocationSeries(s.prisma, filters);
    expect(series).toMatchObject({ from, to, bucket, isTruncated: false });
    expect(series.days.filter((d) => d.resourceKey === null)).toHaveLength(buckets);
  });

  test("a day's hours are UK hours: 23:30 UTC in June counts in the next day's 00:00 hour", async () => {
    const series = await getAllocationSeries(s.prisma, { from: "2026-06-01", to: "2026-06-02" });
    const all = series.days.filter((d) => d.resourceKey === null);
    expect(series.bucket).toBe("hour");
    expect(all).toHaveLength(48);
    expect(all.filter((d) => d.held + d.confirmed + d.released + d.denied > 0).map((d) => [d.day, d.held, d.confirmed, d.released, d.denied])).toEqual([
      ["2026-06-01T09:00", 1, 0, 0, 0],
      ["2026-06-01T10:00", 1, 0, 0, 0],
      ["2026-06-01T11:00", 0, 0, 0, 1],
      ["2026-06-01T12:00", 0, 1, 0, 0],
      ["2026-06-02T00:00", 0, 0, 0, 1],
      ["2026-06-02T13:00", 0, 0, 1, 0],
    ]);
  });

  test("a range longer than the maximum keeps its last days and says so", async () => {
    const series = await getAllocationSeries(s.prisma, { from: "2025-01-01", to: "2026-06-05" });
    expect(series).toMatchObject({ from: addDays("2026-06-05", -(SERIES_MAX_DAYS - 1)), to: "2026-06-05", isTruncated: true });
    expect(series.days.filter((d) => d.resourceKey === null)).toHaveLength(SERIES_MAX_DAYS);
  });

  test("with no history at all the series is empty days for all resources only", async () => {
    const series = await getAllocationSeries(s.prisma, { from: "2027-01-01", to: "2027-01-03" });
    expect(series.days).toEqual([
      { day: "2027-01-01", resourceKey: null, held: 0, confirmed: 0, released: 0, denied: 0, denialRate: null },
      { day: "2027-01-02", resourceKey: null, held: 0, confirmed: 0, released: 0, denied: 0, denialRate: null },
      { day: "2027-01-03", resourceKey: null, held: 0, confirmed: 0, released: 0, denied: 0, denialRate: null },
    ]);
  });
});
