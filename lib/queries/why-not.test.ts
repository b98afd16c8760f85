import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { insertCustomers, insertRecommendation, insertRun, insertTreatment, minutesAfterStart } from "./test-fixtures";
import { getCustomerWhyNot } from "./why-not";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await insertCustomers(t.prisma, [{ id: "C-1" }, { id: "C-2" }]);
  await insertTreatment(t.prisma, { key: "data_boost", name: "Data boost", channel: "sms" });
  await insertTreatment(t.prisma, { key: "loyalty_points", name: "Loyalty points", channel: "email" });
  await insertTreatment(t.prisma, { key: "retention_call", name: "Retention call", channel: "call" });
  await insertTreatment(t.prisma, { key: "ignore", name: "No action", channel: null, isNoAction: true });
  const older = await insertRun(t.prisma);
  const newer = await insertRun(t.prisma);
  await insertRecommendation(t.prisma, {
    runId: older.id,
    customerId: "C-1",
    treatmentKey: "data_boost",
    status: "approved",
    createdAt: minutesAfterStart(0),
    fates: [{ treatmentKey: "data_boost", fate: "chosen", value: 5 }],
  });
  await insertRecommendation(t.prisma, {
    runId: newer.id,
    customerId: "C-1",
    treatmentKey: "loyalty_points",
    createdAt: minutesAfterStart(10),
    fates: [
      { treatmentKey: "data_boost", fate: "excluded", rule: "approval_cooldown", reason: "contact policy: cooldown until 2 Jan after an approval on 3 Dec", until: "2027-01-02T09:00:00.000Z" },
      { treatmentKey: "ignore", fate: "alternative", rank: 2, value: 0 },
      { treatmentKey: "retention_call", fate: "alternative", rank: 1, value: 3.5 },
      { treatmentKey: "loyalty_points", fate: "chosen", value: 4.25 },
      { treatmentKey: "gone", fate: "excluded", rule: "no_such_rule", reason: "unreadable" },
    ],
  });
  // The newest decision kept no fates (made before they were kept): the one before it is shown.
  await insertRecommendation(t.prisma, { runId: older.id, customerId: "C-2", treatmentKey: "data_boost", createdAt: minutesAfterStart(0) });
});

afterAll(async () => {
  await t.drop();
});

test("the newest decision's fates: chosen, alternatives by rank, then excluded with rule, reason and until; unreadable entries left out", async () => {
  const whyNot = await getCustomerWhyNot(t.prisma, "C-1");
  expect(whyNot?.createdAt).toEqual(minutesAfterStart(10));
  expect(whyNot?.rows).toEqual([
    { treatmentKey: "loyalty_points", name: "Loyalty points", channel: "email", fate: "chosen", value: 4.25 },
    { treatmentKey: "retention_call", name: "Retention call", channel: "call", fate: "alternative", rank: 1, value: 3.5 },
    { treatmentKey: "ignore", name: "No action", channel: null, fate: "alternative", rank: 2, value: 0 },
    {
      treatmentKey: "data_boost",
      name: "Data boost",
      channel: "sms",
      fate: "excluded",
      rule: "approval_cooldown",
      reason: "contact policy: cooldown until 2 Jan after an approval on 3 Dec",
      until: new Date("2027-01-02T09:00:00.000Z"),
    },
  ]);
});

test.each([
  ["a customer whose decisions kept no fates", "C-2"],
  ["an unknown customer", "C-404"],
])("nothing for %s", async (_title, id) => {
  expect(await getCustomerWhyNot(t.prisma, id)).toBeNull();
});

test.each([
  { title: "shows today's price of a call slot beside a call set aside for capacity", stored: undefined, tier: "medium" as const, price: { amount: 210, asOf: "today" } },
  { title: "shows the reserve's price to a high-value customer", stored: undefined, tier: "premium" as const, price: { amount: 120, asOf: "today" } },
  { title: "prefers the price the decision stored over today's", stored: 176, tier: "medium" as const, price: { amount: 176, asOf: "decision" } },
])("$title", async ({ stored, tier, price }) => {
  const id = `P-${tier}-${stored ?? "none"}`;
  await insertCustomers(t.prisma, [{ id, valueTier: tier }]);
  await t.prisma.resourceConstraint.upsert({ where: { key: "priced_calls" }, create: { key: "priced_calls", name: "Call slots", limit: 10, price: 210, highValuePrice: 120 }, update: {} });
  await t.prisma.treatment.upsert({ where: { key: "priced_call" }, create: { key: "priced_call", name: "Priced call", description: "A call", channel: "call", costPerContact: "4.50", goal: "retain", priority: 1, resourceKey: "priced_calls" }, update: {} });
  const run = await insertRun(t.prisma);
  await insertRecommendation(t.prisma, {
    runId: run.id,
    customerId: id,
    treatmentKey: "loyalty_points",
    createdAt: minutesAfterStart(20),
    fates: [
      { treatmentKey: "loyalty_points", fate: "chosen", value: 4.25 },
      { treatmentKey: "priced_call", fate: "excluded", rule: "set_aside", reason: "Call slots: a call slot is worth more today", ...(stored === undefined ? {} : { price: stored }) },
    ],
  });
  const whyNot = await getCustomerWhyNot(t.prisma, id);
  expect(whyNot?.rows.find((r) => r.treatmentKey === "priced_call")?.price).toEqual(price);
  expect(whyNot?.rows.find((r) => r.treatmentKey === "loyalty_points")?.price).toBeUndefined();
});
