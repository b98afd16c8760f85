import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { diffSnapshots, listConstraintChanges, listResourceGauges, listResources } from "./constraints";
import { insertResource, minutesAfterStart } from "./test-fixtures";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await insertResource(t.prisma, { key: "sms_quota", name: "SMS quota", limit: 500, used: 20, held: 5, period: "week" });
  await insertResource(t.prisma, { key: "call_center_slots", name: "Call-centre slots", limit: 40, used: 12, held: 3, reservedHighValue: 10 });
  await t.prisma.auditLog.createMany({
    data: [
      {
        actorLabel: "Maya (manager)",
        action: "constraint.update",
        entityType: "ResourceConstraint",
        entityId: "call_center_slots",
        before: { limit: 40, period: "day" },
        after: { limit: 50, period: "day" },
        reason: "Extra staff on Friday",
        createdAt: minutesAfterStart(1),
      },
      {
        actorLabel: "system",
        action: "constraint.reset",
        entityType: "ResourceConstraint",
        entityId: "sms_quota",
        before: { used: 20 },
        after: { used: 0 },
        createdAt: minutesAfterStart(2),
      },
      {
        actorLabel: "Ravi (marketer)",
        action: "recommendation.approve",
        entityType: "Recommendation",
        entityId: "00000000-0000-0000-0000-000000000000",
        createdAt: minutesAfterStart(3),
      },
    ],
  });
});

afterAll(async () => {
  await t.drop();
});

test("listResources returns every resource by name with its capacity figures", async () => {
  const resources = await listResources(t.prisma);
  expect(resources.map((r) => r.key)).toEqual(["call_center_slots", "sms_quota"]);
  expect(resources[0]).toMatchObject({ name: "Call-centre slots", limit: 40, used: 12, held: 3, reservedHighValue: 10, period: "day", unit: "contacts" });
});

test("listResourceGauges splits committed units into confirmed and held and says what is free, JSON-safe", async () => {
  const gauges = await listResourceGauges(t.prisma);
  expect(gauges[0]).toMatchObject({
    key: "call_center_slots",
    limit: 40,
    used: 12,
    held: 3,
    confirmed: 9,
    reservedHighValue: 10,
    free: 28,
    freeGeneral: 18,
    period: "day",
  });
  expect(gauges[1]).toMatchObject({ key: "sms_quota", confirmed: 15, free: 480, freeGeneral: 480, period: "week" });
  expect(JSON.parse(JSON.stringify(gauges))).toEqual(gauges);
  expect(new Date(gauges[0]!.periodStart).toISOString()).toBe(gauges[0]!.periodStart);
});

test.each([
  { case: "a reserve larger than what is free", limit: 10, used: 8, held: 0, reserved: 5, free: 2, freeGeneral: 0 },
  { case: "a full resource", limit: 10, used: 10, held: 4, reserved: 0, free: 0, freeGeneral: 0 },
  { case: "an empty resource", limit: 10, used: 0, held: 0, reserved: 3, free: 10, freeGeneral: 7 },
])("gauges never show negative free units: $case", async ({ limit, used, held, reserved, free, freeGeneral }) => {
  const key = `gauge_${limit}_${used}_${reserved}`;
  await insertResource(t.prisma, { key, name: `zz ${key}`, limit, used, held, reservedHighValue: reserved });
  const gauge = (await listResourceGauges(t.prisma)).find((g) => g.key === key);
  expect(gauge).toMatchObject({ free, freeGeneral, confirmed: used - held });
  await t.prisma.resourceConstraint.delete({ where: { key } });
});

describe("listConstraintChanges", () => {
  test("lists only constraint entries, newest first, with what changed", async () => {
    const { rows: changes, total } = await listConstraintChanges(t.prisma, { page: 1 });
    expect(total).toBe(2);
    expect(changes.map((c) => c.action)).toEqual(["constraint.reset", "constraint.update"]);
    expect(changes[1]).toMatchObject({
      resourceKey: "call_center_slots",
      actorLabel: "Maya (manager)",
      reason: "Extra staff on Friday",
      changes: [{ field: "limit", from: "40", to: "50" }],
    });
    expect(typeof changes[0]?.id).toBe("string");
  });

  test("pages through the entries: page 2 of size 1 holds the older one", async () => {
    const second = await listConstraintChanges(t.prisma, { page: 2, pageSize: 1 });
    expect(second).toMatchObject({ page: 2, pageCount: 2, total: 2 });
    expect(second.rows.map((c) => c.action)).toEqual(["constraint.update"]);
  });
});

test.each([
  { case: "a changed number", before: { limit: 40 }, after: { limit: 50 }, expected: [{ field: "limit", from: "40", to: "50" }] },
  { case: "an added field", before: {}, after: { period: "week" }, expected: [{ field: "period", from: "—", to: "week" }] },
  { case: "a removed field", before: { reservedHighValue: 5 }, after: {}, expected: [{ field: "reservedHighValue", from: "5", to: "—" }] },
  { case: "nothing changed", before: { limit: 40 }, after: { limit: 40 }, expected: [] },
  { case: "no snapshots at all", before: null, after: null, expected: [] },
  { case: "a snapshot that is not an object", before: [1, 2], after: "text", expected: [] },
])("diffSnapshots reports $case", ({ before, after, expected }) => {
  expect(diffSnapshots(before, after)).toEqual(expected);
});

describe("prices on the gauges", () => {
  test.each([
    { title: "shows a priced resource's price and its reserve's", key: "priced_slots", data: { price: 169.19, highValuePrice: 97.5, priceUpdatedAt: minutesAfterStart(5) }, price: 169.19, highValuePrice: 97.5, isPriced: true },
    { title: "shows no price before any run has priced the resource", key: "unpriced_slots", data: {}, price: 0, highValuePrice: 0, isPriced: false },
  ])("$title", async ({ key, data, price, highValuePrice, isPriced }) => {
    await insertResource(t.prisma, { key, name: key, limit: 10, ...data });
    const gauge = (await listResourceGauges(t.prisma)).find((g) => g.key === key)!;
    expect(gauge.price).toBe(price);
    expect(gauge.highValuePrice).toBe(highValuePrice);
    expect(gauge.priceUpdatedAt !== null).toBe(isPriced);
  });
});
