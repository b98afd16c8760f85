import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import {
  getCustomerDetail,
  JOURNEY_EVENT_LIMIT,
  listCustomers,
  listCustomerSegments,
  parseCustomerListQuery,
  RISK_COUNT_CAP,
} from "./customers";
import { type SegmentRule, createSegment } from "../pipeline/segments";
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
    expect(result).toEqual({ rows: [], total: 0, page: 1, pageSize: 50, pageCount: 1, isTotalCapped: false, isTotalEstimated: false });
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
        churnScore: null,
        riskBand: null,
        hasPendingReview: false,
      },
    ]);
  });

  test("search treats % and _ as plain characters", async () => {
    expect((await listCustomers(t.prisma, { page: 1, search: "%" })).total).toBe(0);
    expect((await listCustomers(t.prisma, { page: 1, search: "BIZ_001" })).total).toBe(0);
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

describe("risk, pending review and sorting", () => {
  let r: TestDatabase;
  const churnScore = (customerId: string, day: number, probability: number | string) => ({
    customerId,
    type: "churn_score" as const,
    occurredAt: minutesAfterStart(day * 24 * 60),
    summary: "score",
    attributes: { probability },
  });

  beforeAll(async () => {
    r = await createTestDatabase();
    await insertCustomers(r.prisma, [
      { id: "R1", name: "Zoe", tenureMonths: 3, monthlyRevenue: "80.00" },
      { id: "R2", name: "Yann", tenureMonths: 40, monthlyRevenue: "10.00" },
      { id: "R3", name: "Xavi", tenureMonths: 12, monthlyRevenue: "45.50" },
      { id: "R4", name: "Will", tenureMonths: 12, monthlyRevenue: "45.50" },
      { id: "R5", name: "Vera", tenureMonths: 7, monthlyRevenue: "5.00" },
    ]);
    await r.prisma.journeyEvent.createMany({
      data: [
        // R1 was high risk, now low: the latest score counts.
        churnScore("R1", 1, 0.8),
        churnScore("R1", 5, 0.1),
        { customerId: "R1", type: "billing", occurredAt: minutesAfterStart(6 * 24 * 60), summary: "bill" },
        churnScore("R2", 3, 0.6),
        churnScore("R3", 3, 0.3),
        churnScore("R4", 3, 0.59),
        // R5 has no usable score.
        churnScore("R5", 3, "high"),
      ],
    });
    const run = await insertRun(r.prisma);
    await insertRecommendation(r.prisma, { runId: run.id, customerId: "R2" });
    await insertRecommendation(r.prisma, { runId: run.id, customerId: "R3", status: "approved" });
  });

  afterAll(async () => {
    await r.drop();
  });

  test("rows carry the latest churn score, its band and whether a review is pending", async () => {
    const { rows } = await listCustomers(r.prisma, { page: 1 });
    expect(rows.map((c) => [c.id, c.churnScore, c.riskBand, c.hasPendingReview])).toEqual([
      ["R1", 0.1, "low", false],
      ["R2", 0.6, "high", true],
      ["R3", 0.3, "medium", false],
      ["R4", 0.59, "medium", false],
      ["R5", null, null, false],
    ]);
  });

  test.each([
    { risk: "low" as const, ids: ["R1"] },
    { risk: "medium" as const, ids: ["R3", "R4"] },
    { risk: "high" as const, ids: ["R2"] },
  ])("the $risk risk band keeps $ids", async ({ risk, ids }) => {
    const result = await listCustomers(r.prisma, { page: 1, risk });
    expect(result.rows.map((c) => c.id)).toEqual(ids);
    expect(result).toMatchObject({ total: ids.length, isTotalCapped: false });
  });

  test("pending review only keeps customers with a recommendation awaiting review", async () => {
    const result = await listCustomers(r.prisma, { page: 1, hasPending: true });
    expect(result.rows.map((c) => c.id)).toEqual(["R2"]);
    expect(result.total).toBe(1);
  });

  test.each([
    { sort: "name" as const, direction: "asc" as const, ids: ["R5", "R4", "R3", "R2", "R1"] },
    { sort: "tenure" as const, direction: "desc" as const, ids: ["R2", "R4", "R3", "R5", "R1"] },
    { sort: "revenue" as const, direction: "asc" as const, ids: ["R5", "R2", "R3", "R4", "R1"] },
    { sort: "id" as const, direction: "desc" as const, ids: ["R5", "R4", "R3", "R2", "R1"] },
  ])("sorts by $sort $direction, ties by id in the same direction", async ({ sort, direction, ids }) => {
    const { rows } = await listCustomers(r.prisma, { page: 1, sort, direction });
    expect(rows.map((c) => c.id)).toEqual(ids);
  });

  test("sorting pages without gaps or repeats", async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => listCustomers(r.prisma, { page, pageSize: 2, sort: "revenue", direction: "desc" })));
    expect(pages.flatMap((p) => p.rows.map((c) => c.id))).toEqual(["R1", "R4", "R3", "R2", "R5"]);
  });

  test(`a risk filter counts up to ${RISK_COUNT_CAP} matches and says so`, async () => {
    await r.prisma.$executeRaw`
      INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
      SELECT 'CAP' || lpad(i::text, 5, '0'), 'Capped', 'consumer', 'SIM only', 'monthly', 12, 20, 'medium', 'London', 'en', now()
        FROM generate_series(1, ${RISK_COUNT_CAP + 2}) i`;
    await r.prisma.$executeRaw`
      INSERT INTO "JourneyEvent" ("customerId", type, "occurredAt", summary, attributes)
      SELECT id, 'churn_score', now(), 'score', '{"probability": 0.9}' FROM "Customer" WHERE id LIKE 'CAP%'`;
    const result = await listCustomers(r.prisma, { page: 1, risk: "high" });
    expect(result).toMatchObject({ total: RISK_COUNT_CAP, isTotalCapped: true, pageCount: RISK_COUNT_CAP / 50 });
    expect(result.rows[0]?.id).toBe("CAP00001");
  });

  test(`any filter counts up to ${RISK_COUNT_CAP} matches: an id prefix matching ${RISK_COUNT_CAP + 2}`, async () => {
    const result = await listCustomers(r.prisma, { page: 1, search: "CAP" });
    expect(result).toMatchObject({ total: RISK_COUNT_CAP, isTotalCapped: true, isTotalEstimated: false });
  });
});

test.each([
  { raw: {}, expected: { page: 1 } },
  { raw: { risk: "high", pending: "yes", sort: "revenue", dir: "desc", page: "3" }, expected: { risk: "high", pending: "yes", sort: "revenue", dir: "desc", page: 3 } },
  { raw: { risk: "extreme", pending: "maybe", sort: "DROP TABLE", dir: "up" }, expected: { page: 1 } },
  { raw: { risk: ["low", "high"] }, expected: { risk: "low" } },
])("parseCustomerListQuery($raw)", ({ raw, expected }) => {
  const { risk, pending, sort, dir, page } = parseCustomerListQuery(raw);
  const given = Object.fromEntries(Object.entries({ risk, pending, sort, dir, page }).filter(([, v]) => v !== undefined));
  expect(given).toEqual({ page: 1, ...expected });
});

describe("listCustomers by journey pattern", () => {
  const insights: { customerId: string; patterns: string[] }[] = [
    { customerId: "BIZ-001", patterns: ["declining_usage", "price_sensitive"] },
    { customerId: "BIZ-002", patterns: ["declining_usage"] },
    { customerId: "BIZ-003", patterns: ["repeated_complaints"] },
    { customerId: "X-9", patterns: [] },
    { customerId: "C0001", patterns: ["price_sensitive", "bill_shock"] },
  ];

  beforeAll(async () => {
    await t.prisma.customerInsight.createMany({
      data: insights.map((i) => ({
        customerId: i.customerId,
        churnRisk: 0.4,
        lifetimeValue: "1200.00",
        valueTier: "medium",
        monthlyRevenue: "40.00",
        tenureMonths: 12,
        complaintCount: 0,
        complaintsLast90Days: 0,
        incidentsLast90Days: 0,
        latePayments: 0,
        missedPayments: 0,
        patterns: i.patterns,
        maxSeverity: i.patterns.length ? "medium" : null,
        asOf: new Date("2026-11-20T09:30:00Z"),
      })),
    });
  });

  test.each([
    { pattern: "declining_usage" as const, ids: ["BIZ-001", "BIZ-002"] },
    { pattern: "price_sensitive" as const, ids: ["BIZ-001", "C0001"] },
    { pattern: "repeated_complaints" as const, ids: ["BIZ-003"] },
    { pattern: "port_out_risk" as const, ids: [] },
  ])("returns exactly the customers whose stored insight shows $pattern, none without an insight", async ({ pattern, ids }) => {
    const result = await listCustomers(t.prisma, { page: 1, pageSize: 200, pattern });
    expect(result.rows.map((r) => r.id)).toEqual(ids);
    expect(result.total).toBe(ids.length);
  });

  test("narrows the other filters: business customers with declining usage in the premium tier", async () => {
    const result = await listCustomers(t.prisma, { page: 1, pattern: "declining_usage", valueTier: "premium" });
    expect(result.rows.map((r) => r.id)).toEqual(["BIZ-001"]);
  });

  test.each<{ title: string; rule: SegmentRule; ids: string[] }>([
    { title: "a saved rule segment lists exactly its members", rule: { patterns: ["price_sensitive"] }, ids: ["BIZ-001", "C0001"] },
    { title: "a saved rule segment with two patterns lists customers showing both", rule: { patterns: ["declining_usage", "price_sensitive"] }, ids: ["BIZ-001"] },
    { title: "a saved segment nobody meets lists no one", rule: { minRisk: 0.9 }, ids: [] },
  ])("$title", async ({ title, rule, ids }) => {
    const pool = new pg.Pool({ connectionString: t.url, max: 1 });
    const segment = await createSegment(pool, { segment: { name: title.slice(0, 80), kind: "rule", rule }, actor: { id: null, label: "Manager" } }).finally(() => pool.end());
    const result = await listCustomers(t.prisma, { page: 1, pageSize: 200, savedSegment: segment });
    expect(result.rows.map((r) => r.id)).toEqual(ids);
    expect(result.total).toBe(ids.length);
  });

  test.each([
    { raw: { pattern: "declining_usage" }, pattern: "declining_usage" },
    { raw: { pattern: "grumpy" }, pattern: undefined },
    { raw: { pattern: ["late_payments", "bill_shock"] }, pattern: "late_payments" },
  ])("reads pattern $raw.pattern from the URL as $pattern", ({ raw, pattern }) => {
    expect(parseCustomerListQuery(raw).pattern).toBe(pattern);
  });
});
