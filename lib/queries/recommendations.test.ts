import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import {
  countPendingReviews,
  countRecommendationsByStatus,
  listCustomerRecommendations,
  listPendingReviews,
  listReviewFilterOptions,
  RATIONALE_EXCERPT_LENGTH,
  readTrace,
  prismaQueryable,
  selectMatchingReviews,
} from "./recommendations";
import { reviewQueueExportQuery } from "../export/review-queue";
import { createSegment } from "../pipeline/segments";
import { type ReviewSort, type SortDirection, parseReviewListParams, reviewFilterSchema } from "../validations/review";
import { insertCustomers, insertRecommendation, insertResource, insertTreatment, insertRun, minutesAfterStart, numberedIds } from "./test-fixtures";

let t: TestDatabase;
const pendingIds = numberedIds("P", 55);
const filterIds = numberedIds("F", 6);

beforeAll(async () => {
  t = await createTestDatabase();
  await insertCustomers(t.prisma, [...pendingIds, "DONE1", "DONE2", "FAIL1"].map((id) => ({ id })));
  // Names out of id order, so sorting by name differs from sorting by id.
  const names = ["Olu Zed", "Mei Chen", "Ana Silva", "Ben Young", "Cat Patel", "Dan Evans"];
  await insertCustomers(t.prisma, [...filterIds, "HIST1"].map((id, i) => ({ id, name: names[i] ?? `Customer ${id}`, valueTier: i % 2 === 0 ? "premium" : "low" })));
  await insertResource(t.prisma, { key: "call_slots", name: "Call slots" });
  await insertTreatment(t.prisma, { key: "loyalty_discount", name: "Loyalty discount", channel: "email" });
  await insertTreatment(t.prisma, { key: "call_back", name: "Call-back", channel: "call", resourceKey: "call_slots" });
  await insertTreatment(t.prisma, { key: "sms_offer", name: "SMS offer", channel: "sms" });
  await insertTreatment(t.prisma, { key: "ignore", name: "No action", channel: null, isNoAction: true });
  const run = await insertRun(t.prisma);
  // F0001, F0003, F0005 premium; treatments call, call, sms, sms, call, sms; F0002, F0004, F0006 decided by the model.
  for (const [i, customerId] of filterIds.entries()) {
    await insertRecommendation(t.prisma, {
      runId: run.id,
      customerId,
      treatmentKey: i % 3 === 2 || i === 3 ? "sms_offer" : "call_back",
      policy: i % 2 === 1 ? "llm" : "rules",
      confidence: 0.5 + i * 0.08,
      expectedValue: [30, 10, 50, 20, 40, 0][i]!.toFixed(2),
      createdAt: minutesAfterStart(100 + i),
    });
  }
  // Churn risk known for four of them; F0005 and F0006 were never analysed.
  for (const [customerId, churnRisk] of [["F0001", 0.4], ["F0002", 0.9], ["F0003", 0.1], ["F0004", 0.6]] as const) {
    await t.prisma.customerInsight.create({
      data: { customerId, churnRisk, lifetimeValue: "100.00", valueTier: "medium", monthlyRevenue: "25.00", tenureMonths: 12, complaintCount: 0, complaintsLast90Days: 0, incidentsLast90Days: 0, latePayments: 0, missedPayments: 0, patterns: [], asOf: minutesAfterStart(0) },
    });
  }
  // Created in reverse id order so "oldest first" is distinguishable from "id order".
  for (const [i, customerId] of pendingIds.entries()) {
    await insertRecommendation(t.prisma, {
      runId: run.id,
      customerId,
      treatmentKey: i === 0 ? null : "loyalty_discount",
      createdAt: minutesAfterStart(pendingIds.length - i),
      rationale: i === 0 ? `Long reasoning ${"about usage decline ".repeat(30)}` : "Short reason.",
    });
  }
  const older = await insertRun(t.prisma);
  await insertRecommendation(t.prisma, {
    runId: older.id,
    customerId: "HIST1",
    status: "overridden",
    treatmentKey: "sms_offer",
    overriddenFrom: "call_back",
    reviewReason: "Prefers texts",
    createdAt: minutesAfterStart(1),
    alternatives: [{ treatmentKey: "loyalty_discount", expectedValue: 4.2, reason: "Second best" }, { bad: true }],
    fallbackPath: [{ treatmentKey: "gone_treatment", outcome: "denied", reason: "Full" }],
    trace: {
      steps: [{ agent: "data", type: "get_customer_data", message: { customerId: "HIST1" }, response: { ok: true }, startedAt: "2026-01-01T09:00:00.000Z", durationMs: 1.5 }],
      notes: ["Model answer retried once"],
      usage: { calls: 1, promptTokens: 100, completionTokens: 20, retries: 1 },
      evidence: ["3 complaints"],
      language: "cy",
    },
  });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "HIST1", status: "no_action", createdAt: minutesAfterStart(2), trace: [] });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "DONE1", status: "approved" });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "DONE2", status: "approved" });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "FAIL1", status: "failed", failureReason: "timeout" });
});

afterAll(async () => {
  await t.drop();
});

describe("listPendingReviews", () => {
  test("holds only pending recommendations, oldest first", async () => {
    const first = await listPendingReviews(t.prisma, { page: 1 });
    expect(first.total).toBe(61);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]?.customer.id).toBe("P0055");
    expect(first.rows.every((r) => r.customer.id.startsWith("P"))).toBe(true);
  });

  test("page 2 holds the last 11 pending, ending with the newest", async () => {
    const second = await listPendingReviews(t.prisma, { page: 2 });
    expect(second.rows.map((r) => r.customer.id)).toEqual(["P0005", "P0004", "P0003", "P0002", "P0001", ...filterIds]);
  });

  test("rationale is cut to an excerpt and money is a number", async () => {
    const second = await listPendingReviews(t.prisma, { page: 2 });
    const longest = second.rows.find((r) => r.customer.id === "P0001");
    expect(longest?.treatment).toBeNull();
    expect(longest?.rationaleExcerpt.length).toBeLessThanOrEqual(RATIONALE_EXCERPT_LENGTH);
    expect(longest?.rationaleExcerpt.endsWith("…")).toBe(true);
    expect(second.rows[0]).toMatchObject({
      treatment: { key: "loyalty_discount", name: "Loyalty discount", resourceKey: null, unitsPerContact: 1 },
      rationaleExcerpt: "Short reason.",
      expectedValue: 12.5,
      confidence: 0.8,
      policy: "rules",
    });
  });
});

test("counts by status include statuses nobody has", async () => {
  expect(await countRecommendationsByStatus(t.prisma)).toEqual({
    pending_review: 61,
    approved: 2,
    rejected: 0,
    overridden: 1,
    no_action: 1,
    failed: 1,
    superseded: 0,
  });
  expect(await countPendingReviews(t.prisma)).toBe(61);
});

describe("review filters", () => {
  const ids = async (filters: Parameters<typeof listPendingReviews>[1]["filters"]) =>
    (await listPendingReviews(t.prisma, { page: 1, pageSize: 100, filters })).rows.map((r) => r.customer.id).filter((id) => id.startsWith("F"));

  test.each([
    { filters: { treatment: "call_back" }, expected: ["F0001", "F0002", "F0005"] },
    { filters: { resource: "call_slots" }, expected: ["F0001", "F0002", "F0005"] },
    { filters: { policy: "llm" as const }, expected: ["F0002", "F0004", "F0006"] },
    { filters: { tier: "premium" as const }, expected: ["F0001", "F0003", "F0005"] },
    { filters: { minConfidence: 74 }, expected: ["F0004", "F0005", "F0006"] },
    { filters: { treatment: "sms_offer", policy: "llm" as const, minConfidence: 80 }, expected: ["F0006"] },
    { filters: { treatment: "nothing" }, expected: [] },
  ])("$filters keeps $expected", async ({ filters, expected }) => {
    expect(await ids(filters)).toEqual(expected);
  });

  test("the total counts only what the filters keep", async () => {
    const result = await listPendingReviews(t.prisma, { page: 1, filters: { policy: "llm" } });
    expect(result.total).toBe(3);
  });

  test("filter options list contact treatments and resources by name", async () => {
    expect(await listReviewFilterOptions(t.prisma)).toEqual({
      treatments: [
        { key: "call_back", name: "Call-back", resourceKey: "call_slots" },
        { key: "loyalty_discount", name: "Loyalty discount", resourceKey: null },
        { key: "sms_offer", name: "SMS offer", resourceKey: null },
      ],
      resources: [{ key: "call_slots", name: "Call slots" }],
    });
  });
});

describe("review sort and search", () => {
  const order = async (opts: { sort?: ReviewSort; dir?: SortDirection; q?: string }) =>
    (await listPendingReviews(t.prisma, { page: 1, pageSize: 100, sort: opts.sort, dir: opts.dir, filters: { policy: undefined, ...reviewFilterSchema.parse({ q: opts.q }) } })).rows
      .map((r) => r.customer.id)
      .filter((id) => id.startsWith("F"));

  test.each([
    { sort: "value", dir: "desc", expected: ["F0003", "F0005", "F0001", "F0004", "F0002", "F0006"] },
    { sort: "value", dir: "asc", expected: ["F0006", "F0002", "F0004", "F0001", "F0005", "F0003"] },
    { sort: "confidence", dir: "desc", expected: ["F0006", "F0005", "F0004", "F0003", "F0002", "F0001"] },
    { sort: "risk", dir: "desc", expected: ["F0002", "F0004", "F0001", "F0003", "F0005", "F0006"] },
    { sort: "risk", dir: "asc", expected: ["F0003", "F0001", "F0004", "F0002", "F0005", "F0006"] },
    { sort: "tier", dir: "desc", expected: ["F0001", "F0003", "F0005", "F0002", "F0004", "F0006"] },
    { sort: "created", dir: "desc", expected: ["F0006", "F0005", "F0004", "F0003", "F0002", "F0001"] },
    { sort: "treatment", dir: "asc", expected: ["F0001", "F0002", "F0005", "F0003", "F0004", "F0006"] },
    { sort: "name", dir: "asc", expected: ["F0003", "F0004", "F0005", "F0006", "F0002", "F0001"] },
    { sort: "id", dir: "desc", expected: ["F0006", "F0005", "F0004", "F0003", "F0002", "F0001"] },
  ] as const)("sorted by $sort $dir: $expected (ties oldest first; never-analysed customers, with no risk, last either way)", async ({ sort, dir, expected }) => {
    expect(await order({ sort, dir })).toEqual(expected);
  });

  test.each([
    { q: "patel", expected: ["F0005"], why: "part of a name, any case" },
    { q: "f000", expected: ["F0001", "F0002", "F0003", "F0004", "F0005", "F0006"], why: "part of an id, any case" },
    { q: "  Mei Chen ", expected: ["F0002"], why: "a whole name with spaces around" },
    { q: "nobody", expected: [], why: "no customer" },
  ])("search '$q' finds $expected ($why)", async ({ q, expected }) => {
    expect(await order({ q })).toEqual(expected);
  });

  test("a search the URL gives is trimmed, and a sort it gives wrongly falls back to oldest first", () => {
    expect(parseReviewListParams({ q: "  Mei  ", sort: "nonsense", dir: "sideways", tier: "gold", treatment: "call_back" })).toEqual({ q: "Mei", treatment: "call_back", page: 1, sort: "created", dir: "asc" });
  });
});

describe("saved segment filter", () => {
  // Risk known for F0001 0.4, F0002 0.9, F0003 0.1, F0004 0.6; F0005, F0006 and every P customer never analysed, so in no segment.
  const segments: Record<string, string> = {};
  const UNKNOWN_SEGMENT = "00000000-0000-4000-8000-000000000000";
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: t.url, max: 1 });
    for (const [name, rule] of [["At risk", { minRisk: 0.5 }], ["Calm", { maxRisk: 0.5 }], ["Nobody", { minRisk: 0.95 }]] as const) {
      segments[name] = (await createSegment(pool, { segment: { name, kind: "rule", rule }, actor: { id: null, label: "Test Manager" } })).id;
    }
  });
  afterAll(() => pool.end());
  const filterOf = (segment: string, extra: { treatment?: string } = {}) => reviewFilterSchema.parse({ saved: segments[segment] ?? segment, ...extra });
  const customersOf = async (ids: string[]) =>
    (await t.prisma.recommendation.findMany({ where: { id: { in: ids } }, select: { customerId: true } })).map((r) => r.customerId).sort();

  test.each([
    { segment: "At risk", extra: {}, expected: ["F0002", "F0004"], why: "risk from 0.5 up" },
    { segment: "Calm", extra: {}, expected: ["F0001", "F0003"], why: "risk up to 0.5; never analysed are in no segment" },
    { segment: "At risk", extra: { treatment: "sms_offer" }, expected: ["F0004"], why: "with the other filters, every one must match" },
    { segment: "Nobody", extra: {}, expected: [], why: "a segment with no members" },
    { segment: UNKNOWN_SEGMENT, extra: {}, expected: [], why: "an id that names no segment keeps nothing, not everything" },
  ])("$segment keeps exactly $expected ($why)", async ({ segment, extra, expected }) => {
    const filters = filterOf(segment, extra);
    const listed = await listPendingReviews(t.prisma, { page: 1, pageSize: 100, filters });
    expect(listed.rows.map((r) => r.customer.id).sort()).toEqual(expected);
    expect(listed.total).toBe(expected.length);
    const selection = await selectMatchingReviews(t.prisma, filters, { max: 100 });
    expect(await customersOf(selection.ids)).toEqual(expected);
    const exported = await reviewQueueExportQuery(prismaQueryable(t.prisma), { filters });
    const rows = await t.prisma.$queryRawUnsafe<{ customerId: string }[]>(exported.text, ...exported.values);
    expect(rows.map((r) => r.customerId).sort()).toEqual(expected);
  });

  test.each([
    { saved: "not-a-uuid", expected: undefined, why: "nonsense reads as not filtered" },
    { saved: UNKNOWN_SEGMENT, expected: UNKNOWN_SEGMENT, why: "a well-formed id is kept, so the screen can say it names no segment" },
  ])("the URL's saved=$saved gives $expected ($why)", ({ saved, expected }) => {
    expect(parseReviewListParams({ saved }).saved).toBe(expected);
  });
});

describe("listCustomerRecommendations", () => {
  test("newest first, with named alternatives, fallback path, override origin and the trace", async () => {
    const [latest, overridden] = await listCustomerRecommendations(t.prisma, "HIST1");
    expect(latest).toMatchObject({ status: "no_action", trace: { steps: [], notes: [], usage: null, evidence: [], language: null } });
    expect(overridden).toMatchObject({
      status: "overridden",
      treatment: { key: "sms_offer", name: "SMS offer" },
      overriddenFrom: { key: "call_back", name: "Call-back" },
      reviewReason: "Prefers texts",
      alternatives: [{ treatmentKey: "loyalty_discount", name: "Loyalty discount", expectedValue: 4.2, reason: "Second best" }],
      fallbackPath: [{ treatmentKey: "gone_treatment", name: "gone_treatment", outcome: "denied", reason: "Full" }],
      trace: {
        steps: [{ agent: "data", type: "get_customer_data", durationMs: 1.5, startedAt: "2026-01-01T09:00:00.000Z" }],
        notes: ["Model answer retried once"],
        usage: { calls: 1, promptTokens: 100, completionTokens: 20, retries: 1 },
        evidence: ["3 complaints"],
        language: "cy",
      },
    });
  });

  test("a decision's steps kept for its run come first, then its own; the same customer's decision of another run gets none of them", async () => {
    const [latest] = await listCustomerRecommendations(t.prisma, "HIST1");
    const kept = [
      { agent: "data", type: "get_customer_data", message: { customerId: "HIST1" }, response: { ok: true }, startedAt: "2026-01-02T09:00:00.000Z", durationMs: 2 },
      { agent: "journey", type: "analyze_journey", message: {}, response: { ok: true }, startedAt: "2026-01-02T09:00:00.002Z", durationMs: 3 },
    ];
    await t.prisma.decisionTrace.create({ data: { runId: latest!.runId, customerId: "HIST1", steps: kept } });
    await t.prisma.recommendation.update({ where: { id: latest!.id }, data: { trace: { steps: [{ agent: "allocation", type: "allocate_resource", message: {}, response: {}, startedAt: null, durationMs: 1 }], notes: ["own"] } } });
    try {
      const [withKept, other] = await listCustomerRecommendations(t.prisma, "HIST1");
      expect(withKept!.trace.steps.map((s) => `${s.agent}.${s.type}`)).toEqual(["data.get_customer_data", "journey.analyze_journey", "allocation.allocate_resource"]);
      expect(withKept!.trace.notes).toEqual(["own"]);
      expect(other!.trace.steps.map((s) => s.type)).toEqual(["get_customer_data"]);
    } finally {
      await t.prisma.decisionTrace.deleteMany({ where: { customerId: "HIST1" } });
      await t.prisma.recommendation.update({ where: { id: latest!.id }, data: { trace: [] } });
    }
  });

  test("a customer without recommendations has none", async () => {
    expect(await listCustomerRecommendations(t.prisma, "DONE2X")).toEqual([]);
  });
});

test.each([
  { value: null, steps: 0 },
  { value: "text", steps: 0 },
  { value: [{ agent: "journey", type: "build_journey", message: {}, response: {}, startedAt: null, durationMs: 2 }], steps: 1 },
  { value: { steps: [{ agent: 5, type: "x", startedAt: 7 }] }, steps: 1 },
])("readTrace reads $value leniently", ({ value, steps }) => {
  expect(readTrace(value).steps).toHaveLength(steps);
  // The decision's kept steps go in front, read as leniently.
  expect(readTrace(value, [{ agent: "data", type: "get_customer_data" }, "junk"]).steps).toHaveLength(steps + 1);
});
