import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { ALLOCATION_DAYS, RUN_OUTCOME_LIMIT, getAllocationsPerDay, getOverview, getRunOutcomes, getTreatmentMix } from "./overview";
import { insertCustomers, insertRecommendation, insertResource, insertRun, insertTreatment, minutesAfterStart } from "./test-fixtures";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t.drop();
});

// 2026-06-15 10:00 UK summer time is 09:00 UTC; the UK day began at 2026-06-14 23:00 UTC.
const NOW = new Date("2026-06-15T09:00:00Z");
const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

test("an empty database gives zero counts and empty lists", async () => {
  const overview = await getOverview(t.prisma, NOW);
  expect(overview.kpis).toEqual({ customers: 0, pendingReviews: 0, approvedToday: 0, approvedTotal: 0, approvedExpectedValue: 0 });
  expect(overview.resources).toEqual([]);
  expect(overview.treatmentMix).toEqual([]);
  expect(overview.runOutcomes).toEqual([]);
  expect(overview.recentRuns).toEqual([]);
  expect(overview.allocationsPerDay).toHaveLength(ALLOCATION_DAYS);
  expect(overview.allocationsPerDay.every((d) => d.held + d.confirmed + d.released + d.denied === 0)).toBe(true);
});

describe("with decisions", () => {
  let runId: string;

  beforeAll(async () => {
    await insertCustomers(t.prisma, ["O1", "O2", "O3", "O4", "O5", "O6"].map((id) => ({ id })));
    await insertResource(t.prisma, { key: "call_center_slots", limit: 40, used: 7, held: 3 });
    await insertTreatment(t.prisma, { key: "call_back", name: "Call back", resourceKey: "call_center_slots" });
    await insertTreatment(t.prisma, { key: "sms_offer", name: "SMS offer", channel: "sms" });
    const run = await insertRun(t.prisma, { status: "completed", createdAt: hoursBefore(30) });
    runId = run.id;
    const rec = (customerId: string, o: Parameters<typeof insertRecommendation>[1] extends infer P ? Partial<P> : never) =>
      insertRecommendation(t.prisma, { runId, customerId, createdAt: hoursBefore(30), ...o });
    await rec("O1", { treatmentKey: "call_back" });
    // Reviewed at 00:30 UK time today (23:30 UTC yesterday): counts as today.
    await rec("O2", { treatmentKey: "call_back", status: "approved", reviewedAt: new Date("2026-06-14T23:30:00Z"), expectedValue: "40.00" });
    // Reviewed at 23:30 UK time yesterday: not today.
    await rec("O3", { treatmentKey: "sms_offer", status: "overridden", reviewedAt: new Date("2026-06-14T22:30:00Z"), expectedValue: "2.50" });
    await rec("O4", { treatmentKey: "sms_offer", status: "rejected", reviewedAt: hoursBefore(1) });
    await rec("O5", { status: "no_action" });
    await rec("O6", { status: "failed", failureReason: "timeout" });
    // Outside the mix window.
    const old = await insertRun(t.prisma, { status: "completed", createdAt: hoursBefore(24 * 30) });
    // Replaced by the newer decision for O1 (a customer waits for review with one recommendation at most).
    await insertRecommendation(t.prisma, { runId: old.id, customerId: "O1", treatmentKey: "sms_offer", status: "superseded", createdAt: hoursBefore(24 * 30) });
    await t.prisma.allocation.createMany({
      data: [
        { at: hoursBefore(1), outcome: "held" as const },
        { at: hoursBefore(2), outcome: "confirmed" as const },
        { at: hoursBefore(10.5), outcome: "denied" as const }, // 23:30 UK time the day before
        { at: hoursBefore(24 * 20), outcome: "held" as const }, // outside the window
      ].map(({ at, outcome }) => ({
        resourceKey: "call_center_slots",
        treatmentKey: "call_back",
        customerId: "O1",
        outcome,
        reason: "test",
        periodStart: at,
        createdAt: at,
      })),
    });
  });

  test("KPIs count customers, pending reviews, approvals since midnight UK time and their expected value", async () => {
    const { kpis, resources } = await getOverview(t.prisma, NOW);
    expect(kpis).toEqual({ customers: 6, pendingReviews: 1, approvedToday: 1, approvedTotal: 2, approvedExpectedValue: 42.5 });
    expect(resources).toMatchObject([{ key: "call_center_slots", used: 7, held: 3, limit: 40 }]);
  });

  test("the treatment mix counts recent decisions by treatment, no action included and failures left out", async () => {
    expect(await getTreatmentMix(t.prisma, NOW)).toEqual([
      { key: "call_back", name: "Call back", count: 2 },
      { key: "sms_offer", name: "SMS offer", count: 2 },
      { key: "no_action", name: "No action", count: 1 },
    ]);
  });

  test("allocations per day fall on UK days, oldest first, with empty days", async () => {
    const days = await getAllocationsPerDay(t.prisma, NOW);
    expect(days).toHaveLength(ALLOCATION_DAYS);
    expect(days.at(-1)).toEqual({ day: "2026-06-15", held: 1, confirmed: 1, released: 0, denied: 0 });
    expect(days.at(-2)).toEqual({ day: "2026-06-14", held: 0, confirmed: 0, released: 0, denied: 1 });
    expect(days[0]?.day).toBe("2026-06-02");
  });

  test("run outcomes give each recent run's decisions by current status, oldest run first", async () => {
    const outcomes = await getRunOutcomes(t.prisma);
    expect(outcomes.map((o) => o.runId).at(-1)).toBe(runId);
    expect(outcomes.at(-1)).toMatchObject({ pending_review: 1, approved: 1, overridden: 1, rejected: 1, no_action: 1, failed: 1 });
  });

  test(`run outcomes keep only the last ${RUN_OUTCOME_LIMIT} runs`, async () => {
    for (let i = 0; i < RUN_OUTCOME_LIMIT; i++) await insertRun(t.prisma, { createdAt: minutesAfterStart(i) });
    const outcomes = await getRunOutcomes(t.prisma);
    expect(outcomes).toHaveLength(RUN_OUTCOME_LIMIT);
    expect(outcomes.at(-1)?.runId).toBe(runId);
  });
});
