import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { getCustomerDetail, JOURNEY_EVENT_LIMIT, listCustomers, listCustomerSegments } from "./customers";
import { insertCustomers, insertRecommendation, insertRun, insertTreatment, minutesAfterStart, numberedIds } from "./test-fixtures";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  // 120 plain customers for paging, then a few named ones for search and filters.
  await insertCustomers(
    t.prisma,
    numberedIds("C", 120).map((id) => ({ id })),
  );
  await insertCustomers(t.prisma, [
    { id: "BIZ-001", name: "Ada Lovelace", segment: "business", valueTier: "premium", monthlyRevenue: "120.40" },
    { id: "BIZ-002", name: "Grace Hopper", segment: "business", valueTier: "high" },
    { id: "BIZ-003", name: "Alan Turing", segment: "business", valueTier: "low" },
    { id: "X-9", name: "Katherine Johnson", segment: "youth", valueTier: "premium" },
  ]);
});

afterAll(async () => {
  await t.drop();
});

describe("listCustomers", () => {
  test.each([
    { page: 1, expectedPage: 1, first: "BIZ-001", count: 50 },
    { page: 2, expectedPage: 2, first: "C0048", count: 50 },
    { page: 3, expectedPage: 3, first: "C0098", count: 24 },
    { page: 4, expectedPage: 3, first: "C0098", count: 24 },
    { page: 999, expectedPage: 3, first: "C0098", count: 24 },
  ])("page $page of 124 customers serves page $expectedPage with $count rows", async ({ page, expectedPage, first, count }) => {
    const result = await listCustomers(t.prisma, { page });
    expect(result.total).toBe(124);
    expect(result.pageCount).toBe(3);
    expect(result.page).toBe(expectedPage);
    expect(result.rows).toHaveLength(count);
    expect(result.rows[0]?.id).toBe(first);
  });

  test("page 2 holds rows 51–100 in id order", async () => {
    const all = await listCustomers(t.prisma, { page: 1, pageSize: 200 });
    const second = await listCustomers(t.prisma, { page: 2 });
    expect(second.rows.map((r) => r.id)).toEqual(all.rows.slice(50, 100).map((r) => r.id));
  });

  test.each([
    { case: "an id prefix, ignoring case", search: "biz-00", ids: ["BIZ-001", "BIZ-002", "BIZ-003"] },
    { case: "part of a name, ignoring case", search: "TURING", ids: ["BIZ-003"] },
    { case: "a name fragment in several names", search: "ace", ids: ["BIZ-001", "BIZ-002"] },
    { case: "an id only as a prefix, not in the middle", search: "0-001", ids: [] },
    { case: "nothing", search: "nobody here", ids: [] },
  ])("search matches $case", async ({ search, ids }) => {
    const result = await listCustomers(t.prisma, { page: 1, search });
    expect(result.rows.map((r) => r.id)).toEqual(ids);
    expect(result.total).toBe(ids.length);
  });

  test.each([
    { filters: { segment: "business" }, ids: ["BIZ-001", "BIZ-002", "BIZ-003"] },
    { filters: { valueTier: "premium" as const }, ids: ["BIZ-001", "X-9"] },
    { filters: { segment: "business", valueTier: "premium" as const }, ids: ["BIZ-001"] },
    { filters: { segment: "business", search: "grace" }, ids: ["BIZ-002"] },
    { filters: { segment: "no such segment" }, ids: [] },
  ])("filters $filters keep only matching customers", async ({ filters, ids }) => {
    const result = await listCustomers(t.prisma, { page: 1, ...filters });
    expect(result.rows.map((r) => r.id)).toEqual(ids);
  });

  test("an empty result is page 1 of 1 with no rows", async () => {
    const result = await listCustomers(t.prisma, { page: 5, search: "nobody" });
    expect(result).toEqual({ rows: [], total: 0, page: 1, pageSize: 50, pageCount: 1 });
  });

  test("rows hold only the listed columns, with money as a number", async () => {
    const result = await listCustomers(t.prisma, { page: 1, search: "BIZ-001" });
    expect(result.rows).toEqual([
      {
        id: "BIZ-001",
        name: "Ada Lovelace",
        segment: "business",
        plan: "SIM only 20GB",
        valueTier: "premium",
        tenureMonths: 12,
        monthlyRevenue: 120.4,
        region: "London",
        language: "en",
      },
    ]);
  });
});

test("listCustomerSegments lists each segment once, sorted", async () => {
  expect(await listCustomerSegments(t.prisma)).toEqual(["business", "consumer", "youth"]);
});

describe("getCustomerDetail", () => {
  test("returns null for an unknown id", async () => {
    expect(await getCustomerDetail(t.prisma, "NOPE")).toBeNull();
  });

  test("a customer without permission rows has no permission record", async () => {
    const detail = await getCustomerDetail(t.prisma, "BIZ-002");
    expect(detail?.hasPermissionRecord).toBe(false);
    expect(detail?.permissions).toEqual([]);
    expect(detail?.preference).toBeNull();
    expect(detail?.events).toEqual([]);
    expect(detail?.eventTotal).toBe(0);
  });

  test("permissions, preference and profile come back shaped for display", async () => {
    await t.prisma.contactPermission.createMany({
      data: [
        { customerId: "BIZ-001", channel: "sms", marketing: false, serviceUpdates: true, billing: true },
        { customerId: "BIZ-001", channel: "email", marketing: true, serviceUpdates: true, billing: false },
      ],
    });
    await t.prisma.contactPreference.create({
      data: { customerId: "BIZ-001", preferredLanguage: "en", contactWindowStart: "09:00", contactWindowEnd: "18:00" },
    });
    const detail = await getCustomerDetail(t.prisma, "BIZ-001");
    expect(detail?.hasPermissionRecord).toBe(true);
    expect(detail?.permissions.map((p) => [p.channel, p.marketing])).toEqual([
      ["email", true],
      ["sms", false],
    ]);
    expect(detail?.preference).toMatchObject({ preferredLanguage: "en", contactWindowStart: "09:00", dndStart: null });
    expect(detail?.profile).toMatchObject({ id: "BIZ-001", name: "Ada Lovelace", monthlyRevenue: 120.4, totalRevenue: null });
  });

  test(`keeps the latest ${JOURNEY_EVENT_LIMIT} events, oldest first`, async () => {
    const count = JOURNEY_EVENT_LIMIT + 5;
    // Inserted newest first, so time order differs from insertion (id) order.
    await t.prisma.journeyEvent.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        customerId: "X-9",
        type: i % 2 === 0 ? ("usage" as const) : ("complaint" as const),
        occurredAt: minutesAfterStart(count - i),
        summary: `event at minute ${count - i}`,
      })),
    });
    const detail = await getCustomerDetail(t.prisma, "X-9");
    expect(detail?.eventTotal).toBe(count);
    expect(detail?.events).toHaveLength(JOURNEY_EVENT_LIMIT);
    expect(detail?.events[0]?.summary).toBe("event at minute 6");
    expect(detail?.events.at(-1)?.summary).toBe(`event at minute ${count}`);
    const times = detail?.events.map((e) => e.occurredAt.getTime()) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(typeof detail?.events[0]?.id).toBe("string");
  });

  test("lists the customer's recommendations newest first with the treatment name", async () => {
    await insertTreatment(t.prisma, { key: "retention_call", name: "Retention call" });
    const older = await insertRun(t.prisma, { createdAt: minutesAfterStart(0) });
    const newer = await insertRun(t.prisma, { createdAt: minutesAfterStart(10) });
    await insertRecommendation(t.prisma, {
      runId: older.id,
      customerId: "BIZ-001",
      treatmentKey: "retention_call",
      createdAt: minutesAfterStart(1),
    });
    await insertRecommendation(t.prisma, {
      runId: newer.id,
      customerId: "BIZ-001",
      status: "no_action",
      expectedValue: "0",
      createdAt: minutesAfterStart(11),
    });
    await insertRecommendation(t.prisma, { runId: newer.id, customerId: "BIZ-002", createdAt: minutesAfterStart(12) });

    const detail = await getCustomerDetail(t.prisma, "BIZ-001");
    expect(detail?.recommendations.map((r) => [r.status, r.treatment?.name ?? null, r.expectedValue])).toEqual([
      ["no_action", null, 0],
      ["pending_review", "Retention call", 12.5],
    ]);
  });
});
