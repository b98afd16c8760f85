import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { getOverview } from "./overview";
import { insertCustomers, insertRecommendation, insertResource, insertRun, minutesAfterStart } from "./test-fixtures";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t.drop();
});

test("an empty database gives zero counts and empty lists", async () => {
  expect(await getOverview(t.prisma)).toEqual({
    counts: { customers: 0, journeyEvents: 0, pendingReviews: 0, approved: 0, runs: 0 },
    resources: [],
    recentRuns: [],
  });
});

test("counts customers, events, reviews and runs", async () => {
  await insertCustomers(t.prisma, [{ id: "O1" }, { id: "O2" }, { id: "O3" }]);
  await t.prisma.journeyEvent.createMany({
    data: [1, 2, 3, 4].map((m) => ({ customerId: "O1", type: "billing" as const, occurredAt: minutesAfterStart(m), summary: `bill ${m}` })),
  });
  await insertResource(t.prisma, { key: "sms_quota", limit: 100, used: 7 });
  const run = await insertRun(t.prisma, { status: "completed" });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "O1" });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "O2", status: "approved" });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "O3", status: "rejected" });

  const overview = await getOverview(t.prisma);
  expect(overview.counts).toEqual({ customers: 3, journeyEvents: 4, pendingReviews: 1, approved: 1, runs: 1 });
  expect(overview.resources).toMatchObject([{ key: "sms_quota", used: 7, limit: 100 }]);
  expect(overview.recentRuns.map((r) => r.id)).toEqual([run.id]);
});
