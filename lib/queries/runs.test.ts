import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { countRuns, listRecentRuns, listRuns } from "./runs";
import { insertRun, minutesAfterStart } from "./test-fixtures";

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
