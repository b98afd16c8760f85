import { parse } from "csv-parse/sync";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../auth/roles";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { createSegment } from "../pipeline/segments";
import { listPendingReviews, selectMatchingReviews } from "../queries/recommendations";
import { insertCustomers, insertRecommendation, insertResource, insertRun, insertTreatment, minutesAfterStart, numberedIds } from "../queries/test-fixtures";
import { REVIEW_SORTS, type ReviewFilter, type ReviewSort, type SortDirection, parseReviewListParams, reviewQuery, toReviewFilter } from "../validations/review";
import { exportCsv } from "./exports";

const MANAGER: Actor = { id: null, label: "Test Manager (manager)", role: "manager" };
const ids = numberedIds("Q", 8);
let t: TestDatabase;
let pool: pg.Pool;
let atRiskSegmentId = "";

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 2 });
  // Names out of id order, tiers and risks mixed, two customers never analysed: every sort differs from id order.
  const names = ["Zoe 100%", "Mei Chen", "Ana Silva", "Ben_Young", "Cat Patel", "Dan Evans", "Eve Chen", "Al Moss"];
  await insertCustomers(t.prisma, ids.map((id, i) => ({ id, name: names[i]!, valueTier: (["premium", "low", "high", "medium"] as const)[i % 4] })));
  await insertResource(t.prisma, { key: "call_slots", name: "Call slots" });
  await insertTreatment(t.prisma, { key: "call_back", name: "Call-back", resourceKey: "call_slots" });
  await insertTreatment(t.prisma, { key: "sms_offer", name: "SMS offer", channel: "sms" });
  const run = await insertRun(t.prisma);
  for (const [i, customerId] of ids.entries()) {
    await insertRecommendation(t.prisma, {
      runId: run.id,
      customerId,
      treatmentKey: [null, "call_back", "sms_offer"][i % 3],
      policy: i % 2 === 0 ? "rules" : "llm",
      // Equal values and confidences on some rows, so the tie order (oldest first, then id) is what decides.
      confidence: [0.9, 0.6, 0.6, 0.75, 0.5, 0.9, 0.8, 0.6][i],
      expectedValue: [30, 10, 30, 20, 40, 0, 10, 30][i]!.toFixed(2),
      createdAt: minutesAfterStart(i % 3 === 0 ? 1 : 10 - i),
    });
  }
  const risks: [string, number][] = [["Q0001", 0.4], ["Q0002", 0.9], ["Q0003", 0.1], ["Q0004", 0.6], ["Q0005", 0.9], ["Q0007", 0.55]];
  for (const [customerId, churnRisk] of risks) {
    await t.prisma.customerInsight.create({
      data: { customerId, churnRisk, lifetimeValue: "100.00", valueTier: "medium", monthlyRevenue: "25.00", tenureMonths: 12, complaintCount: 0, complaintsLast90Days: 0, incidentsLast90Days: 0, latePayments: 0, missedPayments: 0, patterns: [], asOf: minutesAfterStart(0) },
    });
  }
  atRiskSegmentId = (await createSegment(pool, { segment: { name: "At risk", kind: "rule", rule: { minRisk: 0.5 } }, actor: MANAGER })).id;
}, 60_000);

afterAll(async () => {
  await pool.end();
  await t.drop();
});

/** The queue as the screen lists it, page after page of 3, so paging with ties is part of what is compared. */
async function listedIds(filters: ReviewFilter, sort: ReviewSort, dir: SortDirection): Promise<string[]> {
  const out: string[] = [];
  for (let page = 1; ; page++) {
    const listed = await listPendingReviews(t.prisma, { page, pageSize: 3, filters, sort, dir });
    if (listed.page < page) return out;
    out.push(...listed.rows.map((r) => r.id));
    if (page === listed.pageCount) return out;
  }
}

/** The recommendation ids of the CSV the screen's export link downloads for the same URL. */
async function exportedIds(search: Record<string, string | undefined>): Promise<string[]> {
  const query = new URLSearchParams(Object.entries(search).filter((e): e is [string, string] => e[1] !== undefined));
  const response = await exportCsv({ pool, actor: MANAGER, kind: "review-queue", searchParams: query });
  const records = parse(await response.text(), { columns: true, bom: true }) as { recommendation_id: string }[];
  return records.map((r) => r.recommendation_id);
}

const SEGMENT = "segment:at-risk";

describe("the CSV holds the screen's rows in the screen's order", () => {
  test.each([
    { title: "no filter", url: {}, count: 8 },
    { title: "treatment", url: { treatment: "call_back" }, count: 3 },
    { title: "resource", url: { resource: "call_slots" }, count: 3 },
    { title: "policy", url: { policy: "llm" }, count: 4 },
    { title: "tier", url: { tier: "premium" }, count: 2 },
    { title: "minimum confidence, equal kept", url: { minConfidence: "75" }, count: 4 },
    { title: "search by part of a name, any case", url: { q: "chen" }, count: 2 },
    { title: "search whose % and _ are the customer's own characters", url: { q: "n_y" }, count: 1 },
    { title: "search by id", url: { q: "q0003" }, count: 1 },
    { title: "saved segment", url: { saved: SEGMENT }, count: 4 },
    { title: "saved segment with a treatment", url: { saved: SEGMENT, treatment: "call_back" }, count: 2 },
    { title: "id that names no segment keeps nothing", url: { saved: "00000000-0000-4000-8000-000000000000" }, count: 0 },
  ])("filter by $title: $count rows", async ({ url, count }) => {
    const params = parseReviewListParams({ ...url, ...("saved" in url && url.saved === SEGMENT ? { saved: atRiskSegmentId } : {}) });
    const filters = toReviewFilter(params);
    const listed = await listedIds(filters, params.sort, params.dir);
    expect(listed).toHaveLength(count);
    expect(await exportedIds(reviewQuery(params))).toEqual(listed);
    // Select-all-matching takes the same rows, oldest first as the default order.
    expect((await selectMatchingReviews(t.prisma, filters, { max: 100 })).ids).toEqual(listed);
  });

  test.each(REVIEW_SORTS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => ({ sort, dir }))))("sort by $sort $dir", async ({ sort, dir }) => {
    const params = parseReviewListParams({ sort, dir });
    const listed = await listedIds({}, sort, dir);
    expect(listed).toHaveLength(8);
    expect(await exportedIds(reviewQuery(params))).toEqual(listed);
  });

  test("sort by risk with a saved segment and a search: the same rows in the same order", async () => {
    const params = parseReviewListParams({ saved: atRiskSegmentId, q: "e", sort: "risk", dir: "desc" });
    const listed = await listedIds(toReviewFilter(params), params.sort, params.dir);
    expect(listed.length).toBeGreaterThan(1);
    expect(await exportedIds(reviewQuery(params))).toEqual(listed);
  });
});

test.each([
  { dir: "desc" as const, expected: ["Q0005", "Q0002", "Q0004", "Q0007", "Q0001", "Q0003", "Q0008", "Q0006"], title: "highest known risk first, never analysed last" },
  { dir: "asc" as const, expected: ["Q0003", "Q0001", "Q0007", "Q0004", "Q0005", "Q0002", "Q0008", "Q0006"], title: "lowest known risk first, never analysed last" },
])("sorted by risk $dir: $title (equal risks oldest first)", async ({ dir, expected }) => {
  const listed = await listPendingReviews(t.prisma, { page: 1, pageSize: 100, sort: "risk", dir });
  expect(listed.rows.map((r) => r.customer.id)).toEqual(expected);
});
