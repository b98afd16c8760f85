import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import type { RecommendationStatus } from "../generated/prisma/enums";
import {
  RUN_FAILURE_LIMIT,
  countRunDecisions,
  countRuns,
  describeRunScope,
  getRunDetail,
  isRunActive,
  listRecentRuns,
  listRunDetails,
  listRunStarts,
  listRuns,
  toRunDetailJson,
  toRunSummaryView,
} from "./runs";
import { insertCustomers, insertRecommendation, insertRun, insertTreatment, minutesAfterStart } from "./test-fixtures";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const user = await t.prisma.user.create({ data: { email: "maya@example.test", name: "Maya", role: "manager" } });
  for (let i = 1; i <= 52; i++) {
    await insertRun(t.prisma, {
      status: i === 52 ? "running" : "completed",
      policy: i % 2 === 0 ? "llm" : "rules",
      total: 100,
      processed: i === 52 ? 40 : 100,
      failed: i % 10 === 0 ? 1 : 0,
      requestedById: i === 52 ? user.id : null,
      createdAt: minutesAfterStart(i),
      finishedAt: i === 52 ? null : minutesAfterStart(i + 1),
    });
  }
});

afterAll(async () => {
  await t.drop();
});

test("listRuns pages newest first", async () => {
  const first = await listRuns(t.prisma, { page: 1 });
  expect(first.total).toBe(52);
  expect(first.rows[0]).toMatchObject({ status: "running", processed: 40, total: 100, requestedBy: "Maya", finishedAt: null });
  const second = await listRuns(t.prisma, { page: 2 });
  expect(second.rows.map((r) => r.createdAt.toISOString())).toEqual([minutesAfterStart(2).toISOString(), minutesAfterStart(1).toISOString()]);
  expect(second.rows[0]?.requestedBy).toBeNull();
});

test.each([
  { limit: 5, expected: 5 },
  { limit: 100, expected: 52 },
])("listRecentRuns($limit) returns $expected runs", async ({ limit, expected }) => {
  const runs = await listRecentRuns(t.prisma, limit);
  expect(runs).toHaveLength(expected);
  expect(runs[0]?.status).toBe("running");
});

test("countRuns counts every run", async () => {
  expect(await countRuns(t.prisma)).toBe(52);
});

describe("run details", () => {
  const summary = {
    runId: "x",
    policy: "rules",
    customers: 30,
    processed: 30,
    byStatus: { pending_review: 20, no_action: 8, failed: 2 },
    byTreatment: { sms_offer: 5, marketing_call_back: 15 },
    fallbacks: 3,
    modelFallbacks: 2,
    decidedWithoutModel: 4,
    failures: Array.from({ length: 25 }, (_, i) => ({ customerId: `C${i}`, reason: "Journey could not be read" })),
    missingCustomers: ["GONE"],
    modelCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    expectedValue: 321.5,
    durationMs: 1200,
    isCancelled: false,
  };

  test("listRunDetails gives scope, summary and whether any run is active", async () => {
    const result = await listRunDetails(t.prisma, { page: 1, pageSize: 5 });
    expect(result.rows).toHaveLength(5);
    expect(result.hasActive).toBe(true);
    expect(result.rows[0]).toMatchObject({ status: "running", scope: "All customers", summary: null, cancelRequested: false, error: null });
  });

  test.each([
    { policy: "llm", phase: "deciding", options: { isModelNeeded: true }, hasActiveModelRun: true },
    { policy: "rules", phase: "deciding", options: { isModelNeeded: true }, hasActiveModelRun: true },
    { policy: "rules", phase: "deciding", options: {}, hasActiveModelRun: false },
    // Queued before runs said whether they need the model: its chunks are on the queue every worker takes.
    { policy: "llm", phase: "deciding", options: {}, hasActiveModelRun: false },
    { policy: "llm", phase: "allocating", options: { isModelNeeded: true }, hasActiveModelRun: false },
  ] as const)(
    "listRunDetails says whether a run still deciding asks the language model: $policy run $phase with $options → $hasActiveModelRun",
    async ({ policy, phase, options, hasActiveModelRun }) => {
      const running = await t.prisma.run.findFirstOrThrow({ where: { status: "running" } });
      await t.prisma.run.update({ where: { id: running.id }, data: { policy, phase, options } });
      try {
        const result = await listRunDetails(t.prisma, { page: 1, pageSize: 5 });
        expect(result).toMatchObject({ hasActive: true, hasActiveModelRun });
      } finally {
        await t.prisma.run.update({ where: { id: running.id }, data: { policy: running.policy, phase: running.phase, options: running.options ?? {} } });
      }
    },
  );

  test("listRunDetails lists the worker processes alive by their heartbeats, longest running first, leaving out one gone silent", async () => {
    expect((await listRunDetails(t.prisma, { page: 1, pageSize: 5 })).workers).toEqual([]);
    await t.prisma.$executeRawUnsafe(
      `INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "hasModel", "startedAt", "lastSeenAt") VALUES
         ('a:1:x', 'a', 1, 2, false, '2026-12-07 09:00:00', now() AT TIME ZONE 'UTC'),
         ('b:2:y', 'b', 2, 4, true, '2026-12-07 08:00:00', (now() AT TIME ZONE 'UTC') - interval '3 seconds'),
         ('c:3:z', 'c', 3, 2, true, '2026-12-07 07:00:00', (now() AT TIME ZONE 'UTC') - interval '5 minutes')`,
    );
    try {
      const { workers } = await listRunDetails(t.prisma, { page: 1, pageSize: 5 });
      expect(workers.map(({ lastSeenAt, ...w }) => w)).toEqual([
        { host: "b", pid: 2, concurrency: 4, hasModel: true, startedAt: "2026-12-07T08:00:00.000Z" },
        { host: "a", pid: 1, concurrency: 2, hasModel: false, startedAt: "2026-12-07T09:00:00.000Z" },
      ]);
      // Seen within the last few seconds, by the database's clock in UTC.
      for (const w of workers) expect(Math.abs(Date.now() - Date.parse(w.lastSeenAt))).toBeLessThan(10_000);
    } finally {
      await t.prisma.$executeRawUnsafe(`DELETE FROM "WorkerHeartbeat"`);
    }
  });

  test("getRunDetail reads one run's summary with the treatments most chosen first and failures capped", async () => {
    await insertTreatment(t.prisma, { key: "marketing_call_back", name: "Retention call-back" });
    const run = await insertRun(t.prisma, { status: "completed", scope: { segment: "family", limit: 500 }, summary, createdAt: minutesAfterStart(-10) });
    const detail = await getRunDetail(t.prisma, run.id);
    expect(detail?.scope).toBe("Segment: family · at most 500");
    expect(detail?.summary).toMatchObject({
      byStatus: { pending_review: 20, no_action: 8, failed: 2 },
      // Catalog names where the treatment exists; the key for one no longer in the catalog.
      byTreatment: [
        { key: "marketing_call_back", name: "Retention call-back", count: 15 },
        { key: "sms_offer", name: "sms_offer", count: 5 },
      ],
      fallbacks: 3,
      modelFallbacks: 2,
      decidedWithoutModel: 4,
      failureCount: 25,
      missingCustomers: 1,
      expectedValue: 321.5,
    });
    expect(detail?.summary?.failures).toHaveLength(RUN_FAILURE_LIMIT);
    expect(toRunDetailJson(detail!).createdAt).toBe(minutesAfterStart(-10).toISOString());
  });

  test.each([
    { id: "not-a-uuid" },
    { id: "6f1c1d0e-6a43-4a4e-9d3a-8a3f0d1c2b11" },
  ])("getRunDetail($id) is null", async ({ id }) => {
    expect(await getRunDetail(t.prisma, id)).toBeNull();
  });

  test.each([
    { stored: null, expected: null },
    { stored: { byStatus: "bad" }, expected: null },
  ])("toRunSummaryView($stored) is $expected", ({ stored, expected }) => {
    expect(toRunSummaryView(stored)).toBe(expected);
  });

  test.each([
    { label: "a summary written before the breaker was counted", breaker: undefined, expected: null },
    { label: "a breaker that never faulted", breaker: { faults: 0, pauses: 0, skippedCalls: 0 }, expected: { faults: 0, pauses: 0, skippedCalls: 0 } },
    { label: "a breaker that paused twice", breaker: { faults: 14, pauses: 2, skippedCalls: 320 }, expected: { faults: 14, pauses: 2, skippedCalls: 320 } },
    { label: "a breaker that is not an object", breaker: "open", expected: null },
  ])("the run summary's model breaker: $label", ({ breaker, expected }) => {
    const stored = { byStatus: { pending_review: 1, no_action: 0, failed: 0 }, ...(breaker === undefined ? {} : { modelBreaker: breaker }) };
    expect(toRunSummaryView(stored)?.modelBreaker).toEqual(expected);
  });

  test.each([
    { scope: {}, expected: "All customers" },
    { scope: { limit: 1500 }, expected: "All customers · at most 1,500" },
    { scope: { valueTier: "premium" }, expected: "Value tier: premium" },
    { scope: { customerIds: ["T-1"] }, expected: "Customer T-1" },
    { scope: { customerIds: ["T-1", "T-2"] }, expected: "2 chosen customers" },
    { scope: "garbage", expected: "All customers" },
  ])("describeRunScope($scope) is $expected", ({ scope, expected }) => {
    expect(describeRunScope(scope)).toBe(expected);
  });

  test.each([
    { status: "queued", expected: true },
    { status: "running", expected: true },
    { status: "completed", expected: false },
    { status: "cancelled", expected: false },
    { status: "failed", expected: false },
  ] as const)("isRunActive($status) is $expected", ({ status, expected }) => {
    expect(isRunActive(status)).toBe(expected);
  });

  const zero: Record<RecommendationStatus, number> = { pending_review: 0, approved: 0, rejected: 0, overridden: 0, no_action: 0, failed: 0, superseded: 0 };

  test.each([
    {
      title: "counts a run's decisions by where they stand now, not by what the run first decided",
      statuses: ["approved", "approved", "superseded", "rejected", "overridden", "pending_review", "no_action", "failed"] as RecommendationStatus[],
      expected: { ...zero, approved: 2, superseded: 1, rejected: 1, overridden: 1, pending_review: 1, no_action: 1, failed: 1 },
    },
    { title: "gives every status as zero for a run without decisions", statuses: [] as RecommendationStatus[], expected: zero },
  ])("getRunDetail $title", async ({ title, statuses, expected }) => {
    const prefix = `NOW-${title.length}-`;
    await insertCustomers(t.prisma, statuses.map((_, i) => ({ id: `${prefix}${i}` })));
    const run = await insertRun(t.prisma, { status: "completed", summary: { ...summary, byStatus: { pending_review: statuses.length, no_action: 0, failed: 0 } } });
    for (const [i, status] of statuses.entries()) await insertRecommendation(t.prisma, { runId: run.id, customerId: `${prefix}${i}`, status });
    const detail = await getRunDetail(t.prisma, run.id);
    // What the run decided stays as it was written; what became of it is counted afresh.
    expect(detail?.summary?.byStatus.pending_review).toBe(statuses.length);
    expect(detail?.decisionsNow).toEqual(expected);
  });

  test("countRunDecisions answers for every run asked about, known or not", async () => {
    const counts = await countRunDecisions(t.prisma, ["6f1c1d0e-6a43-4a4e-9d3a-8a3f0d1c2b11"]);
    expect([...counts.entries()]).toEqual([["6f1c1d0e-6a43-4a4e-9d3a-8a3f0d1c2b11", zero]]);
    expect((await countRunDecisions(t.prisma, [])).size).toBe(0);
  });

  test.each([
    { title: "a run's id", ids: (id: string) => [id, id], expected: 1 },
    { title: "an id of no run", ids: () => ["6f1c1d0e-6a43-4a4e-9d3a-8a3f0d1c2b11"], expected: 0 },
    { title: "text that is no id at all", ids: () => ["call_slots"], expected: 0 },
  ])("listRunStarts names the start of $title", async ({ ids, expected }) => {
    const run = await insertRun(t.prisma, { status: "completed", createdAt: minutesAfterStart(-30) });
    const starts = await listRunStarts(t.prisma, ids(run.id));
    expect(starts.size).toBe(expected);
    if (expected) expect(starts.get(run.id)).toEqual(minutesAfterStart(-30));
  });
});
