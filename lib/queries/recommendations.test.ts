import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { countPendingReviews, countRecommendationsByStatus, listPendingReviews, RATIONALE_EXCERPT_LENGTH } from "./recommendations";
import { insertCustomers, insertRecommendation, insertRun, insertTreatment, minutesAfterStart, numberedIds } from "./test-fixtures";

let t: TestDatabase;
const pendingIds = numberedIds("P", 55);

beforeAll(async () => {
  t = await createTestDatabase();
  await insertCustomers(t.prisma, [...pendingIds, "DONE1", "DONE2", "FAIL1"].map((id) => ({ id })));
  await insertTreatment(t.prisma, { key: "loyalty_discount", name: "Loyalty discount", channel: "email" });
  const run = await insertRun(t.prisma);
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
    expect(first.total).toBe(55);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]?.customer.id).toBe("P0055");
    expect(first.rows.every((r) => r.customer.id.startsWith("P"))).toBe(true);
  });

  test("page 2 holds the last 5 pending, ending with the newest", async () => {
    const second = await listPendingReviews(t.prisma, { page: 2 });
    expect(second.rows.map((r) => r.customer.id)).toEqual(["P0005", "P0004", "P0003", "P0002", "P0001"]);
  });

  test("rationale is cut to an excerpt and money is a number", async () => {
    const second = await listPendingReviews(t.prisma, { page: 2 });
    const longest = second.rows.at(-1);
    expect(longest?.treatment).toBeNull();
    expect(longest?.rationaleExcerpt.length).toBeLessThanOrEqual(RATIONALE_EXCERPT_LENGTH);
    expect(longest?.rationaleExcerpt.endsWith("…")).toBe(true);
    expect(second.rows[0]).toMatchObject({
      treatment: { key: "loyalty_discount", name: "Loyalty discount" },
      rationaleExcerpt: "Short reason.",
      expectedValue: 12.5,
      confidence: 0.8,
      policy: "rules",
    });
  });
});

test("counts by status include statuses nobody has", async () => {
  expect(await countRecommendationsByStatus(t.prisma)).toEqual({
    pending_review: 55,
    approved: 2,
    rejected: 0,
    overridden: 0,
    no_action: 0,
    failed: 1,
  });
  expect(await countPendingReviews(t.prisma)).toBe(55);
});
