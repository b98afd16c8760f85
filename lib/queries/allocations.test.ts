import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { listAllocations } from "./allocations";
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
