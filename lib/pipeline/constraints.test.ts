import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createAllocationAgent } from "../agents/allocation/allocation-agent";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { AppError } from "../errors";
import { limitRefusal, resetConstraintPeriod, resetPeriodInputSchema, updateConstraint, updateConstraintInputSchema } from "./constraints";
import { createPgCapacityStore } from "./pg-capacity-store";
import { insertCatalog, insertCustomers, testCatalog } from "./testing/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let customerIds: string[];
const actor = { id: null, label: "Maya Patel (manager)" };

type Counters = { limit: number; used: number; held: number; reservedHighValue: number; periodStart: Date; version: number };
const counters = async (key: string) =>
  (await pool.query<Counters>(`SELECT "limit", used, held, "reservedHighValue", "periodStart", version FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0]!;
const auditFor = async (key: string) =>
  (await pool.query(`SELECT "actorId", "actorLabel", action, before, after, reason FROM "AuditLog" WHERE "entityId" = $1 ORDER BY id`, [key])).rows;
const setCounters = (key: string, c: { limit: number; used: number; held: number; reservedHighValue?: number }) =>
  pool.query(`UPDATE "ResourceConstraint" SET "limit" = $2, used = $3, held = $4, "reservedHighValue" = $5 WHERE key = $1`, [
    key,
    c.limit,
    c.used,
    c.held,
    c.reservedHighValue ?? 0,
  ]);

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  customerIds = await insertCustomers(db.url, { count: 60, highValueEvery: 4 });
  pool = new pg.Pool({ connectionString: db.url, max: 12 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE "AuditLog"`);
  await setCounters("call_slots", { limit: 40, used: 0, held: 0 });
});

describe("updateConstraintInputSchema", () => {
  test.each([
    { case: "numbers typed as text", input: { resourceKey: "r", limit: " 40 ", reservedHighValue: "5" }, expected: { limit: 40, reservedHighValue: 5 } },
    { case: "a zero limit with no reserve", input: { resourceKey: "r", limit: 0, reservedHighValue: 0 }, expected: { limit: 0, reservedHighValue: 0 } },
    { case: "a reserve equal to the limit", input: { resourceKey: "r", limit: 7, reservedHighValue: 7 }, expected: { limit: 7, reservedHighValue: 7 } },
  ])("accepts $case", ({ input, expected }) => {
    expect(updateConstraintInputSchema.parse(input)).toMatchObject(expected);
  });

  test.each([
    { case: "a blank limit", input: { resourceKey: "r", limit: "", reservedHighValue: 0 }, field: "limit", message: "The limit is required." },
    { case: "a fractional limit", input: { resourceKey: "r", limit: "12.5", reservedHighValue: 0 }, field: "limit", message: "The limit must be a whole number." },
    { case: "a limit that is not a number", input: { resourceKey: "r", limit: "lots", reservedHighValue: 0 }, field: "limit", message: "The limit must be a whole number." },
    { case: "a negative limit", input: { resourceKey: "r", limit: -1, reservedHighValue: 0 }, field: "limit", message: "The limit cannot be negative." },
    { case: "a negative reserve", input: { resourceKey: "r", limit: 5, reservedHighValue: -2 }, field: "reservedHighValue", message: "The high-value reserve cannot be negative." },
    { case: "a reserve one above the limit", input: { resourceKey: "r", limit: 10, reservedHighValue: 11 }, field: "reservedHighValue", message: "The high-value reserve cannot be larger than the limit." },
    { case: "a huge limit", input: { resourceKey: "r", limit: 1e12, reservedHighValue: 0 }, field: "limit", message: "The limit cannot exceed 10,000,000." },
    { case: "no resource", input: { resourceKey: " ", limit: 1, reservedHighValue: 0 }, field: "resourceKey", message: "Choose a resource." },
    { case: "a reason over 500 characters", input: { resourceKey: "r", limit: 1, reservedHighValue: 0, reason: "x".repeat(501) }, field: "reason", message: "Keep the reason under 500 characters." },
  ])("refuses $case on its field", ({ input, field, message }) => {
    const parsed = updateConstraintInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toContainEqual(expect.objectContaining({ path: [field], message }));
  });

  test("refuses unknown fields", () => {
    expect(updateConstraintInputSchema.safeParse({ resourceKey: "r", limit: 1, reservedHighValue: 0, used: 0 }).success).toBe(false);
  });
});

describe("limitRefusal", () => {
  test.each([
    { limit: 37, used: 37, held: 7, expected: null },
    { limit: 38, used: 37, held: 7, expected: null },
    { limit: 36, used: 37, held: 7, expected: "The limit cannot go below 37: 30 are confirmed and 7 are held awaiting review." },
    { limit: 0, used: 2, held: 1, expected: "The limit cannot go below 2: 1 is confirmed and 1 is held awaiting review." },
    { limit: 0, used: 0, held: 0, expected: null },
  ])("limit $limit with $used committed ($held held) → $expected", ({ limit, used, held, expected }) => {
    expect(limitRefusal({ used, held }, limit)).toBe(expected);
  });
});

describe("updateConstraint", () => {
  const store = () => createPgCapacityStore(pool);

  test("sets the limit and reserve, bumps the version and logs who changed what and why", async () => {
    await setCounters("call_slots", { limit: 40, used: 12, held: 3, reservedHighValue: 5 });
    const { version } = await counters("call_slots");
    const result = await updateConstraint({
      store: store(),
      actor,
      input: { resourceKey: "call_slots", limit: 50, reservedHighValue: 8, reason: "Extra staff on Friday" },
    });
    expect(result).toMatchObject({ isChanged: true, before: { limit: 40, reservedHighValue: 5 }, after: { limit: 50, reservedHighValue: 8 } });
    expect(await counters("call_slots")).toMatchObject({ limit: 50, reservedHighValue: 8, used: 12, held: 3, version: version + 1 });
    expect(await auditFor("call_slots")).toEqual([
      {
        actorId: null,
        actorLabel: "Maya Patel (manager)",
        action: "constraint.update",
        before: { limit: 40, reservedHighValue: 5 },
        after: { limit: 50, reservedHighValue: 8 },
        reason: "Extra staff on Friday",
      },
    ]);
  });

  test("accepts a limit exactly at what is committed", async () => {
    await setCounters("call_slots", { limit: 40, used: 37, held: 7 });
    await updateConstraint({ store: store(), actor, input: { resourceKey: "call_slots", limit: 37, reservedHighValue: 0 } });
    expect((await counters("call_slots")).limit).toBe(37);
  });

  test("refuses a limit one below what is committed, naming confirmed and held units, and writes nothing", async () => {
    await setCounters("call_slots", { limit: 40, used: 37, held: 7 });
    const before = await counters("call_slots");
    await expect(updateConstraint({ store: store(), actor, input: { resourceKey: "call_slots", limit: 36, reservedHighValue: 0 } })).rejects.toThrow(
      new AppError({ code: "conflict", userMessage: "The limit cannot go below 37: 30 are confirmed and 7 are held awaiting review." }),
    );
    expect(await counters("call_slots")).toEqual(before);
    expect(await auditFor("call_slots")).toEqual([]);
  });

  test("the same values twice change once and log once", async () => {
    const input = { resourceKey: "call_slots", limit: 45, reservedHighValue: 2 };
    const first = await updateConstraint({ store: store(), actor, input });
    const second = await updateConstraint({ store: store(), actor, input });
    expect(first.isChanged).toBe(true);
    expect(second).toEqual({ isChanged: false, resourceKey: "call_slots", message: "No change: Call-centre slots already has these values." });
    expect(await auditFor("call_slots")).toHaveLength(1);
  });

  test("two identical submissions at once change once and log once", async () => {
    const input = { resourceKey: "call_slots", limit: 44, reservedHighValue: 1 };
    const results = await Promise.all([updateConstraint({ store: store(), actor, input }), updateConstraint({ store: store(), actor, input })]);
    expect(results.map((r) => r.isChanged).sort()).toEqual([false, true]);
    expect(await auditFor("call_slots")).toHaveLength(1);
  });

  test("an unknown resource is refused by name", async () => {
    await expect(updateConstraint({ store: store(), actor, input: { resourceKey: "nope", limit: 1, reservedHighValue: 0 } })).rejects.toThrow(
      'There is no resource "nope".',
    );
  });

  test("records the actor's user id", async () => {
    const { rows } = await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES (gen_random_uuid(), 'm@example.com', 'M', 'manager', now()) RETURNING id`);
    await updateConstraint({ store: store(), actor: { id: rows[0].id, label: "M (manager)" }, input: { resourceKey: "call_slots", limit: 41, reservedHighValue: 0 } });
    expect((await auditFor("call_slots"))[0]).toMatchObject({ actorId: rows[0].id, actorLabel: "M (manager)" });
  });

  test("lowering the limit while runs hold capacity never over-commits: holds see the new limit or the limit sees the holds", async () => {
    await setCounters("call_slots", { limit: 40, used: 0, held: 0 });
    const agent = createAllocationAgent({ store: store(), catalog: testCatalog });
    const hold = (i: number) =>
      agent.process({
        type: "allocate_resource",
        requests: [{ requestId: `r${i}`, customerId: customerIds[i]!, treatmentKey: "retention_call", units: 1, priority: 1, isHighValue: false }],
      });
    const lowerings = [30, 25, 20, 15].map((limit) =>
      updateConstraint({ store: store(), actor, input: { resourceKey: "call_slots", limit, reservedHighValue: 0 } }).then(
        () => "applied" as const,
        (err: unknown) => (err instanceof AppError && err.code === "conflict" ? ("refused" as const) : Promise.reject(err)),
      ),
    );
    const [holds, outcomes] = await Promise.all([Promise.all(customerIds.slice(0, 40).map((_, i) => hold(i))), Promise.all(lowerings)]);

    const after = await counters("call_slots");
    const held = holds.filter((r) => r.ok && r.type === "allocate_resource" && r.data.results[0]?.outcome === "held").length;
    expect(after.used).toBe(held);
    expect(after.used).toBeLessThanOrEqual(after.limit);
    const applied = (await auditFor("call_slots")).map((a) => a.after.limit);
    expect(applied).toHaveLength(outcomes.filter((o) => o === "applied").length);
    if (applied.length > 0) expect(after.limit).toBe(applied.at(-1));
    const history = await pool.query(`SELECT count(*)::int AS n FROM "Allocation" WHERE "resourceKey" = 'call_slots' AND outcome = 'held'`);
    expect(history.rows[0].n).toBe(held);
  });
});

describe("resetConstraintPeriod", () => {
  const store = () => createPgCapacityStore(pool);

  test("frees confirmed units, carries holds over, starts the period now and logs before and after", async () => {
    await setCounters("call_slots", { limit: 40, used: 37, held: 7 });
    const { periodStart } = await counters("call_slots");
    const result = await resetConstraintPeriod({
      store: store(),
      actor,
      input: { resourceKey: "call_slots", expectedPeriodStart: periodStart.toISOString(), reason: "New shift" },
    });
    expect(result).toMatchObject({ isReset: true, before: { used: 37, held: 7, confirmed: 30 }, after: { used: 7, held: 7, confirmed: 0 } });
    const after = await counters("call_slots");
    expect(after).toMatchObject({ used: 7, held: 7, limit: 40 });
    expect(after.periodStart.getTime()).toBeGreaterThan(periodStart.getTime());
    const [entry, ...rest] = await auditFor("call_slots");
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      actorLabel: "Maya Patel (manager)",
      action: "constraint.reset_period",
      reason: "New shift",
      before: { used: 37, held: 7, confirmed: 30, periodStart: periodStart.toISOString() },
      after: { used: 7, held: 7, confirmed: 0, periodStart: after.periodStart.toISOString() },
    });
  });

  test("a repeated reset with the old period start changes nothing and logs nothing", async () => {
    await setCounters("call_slots", { limit: 40, used: 10, held: 2 });
    const { periodStart } = await counters("call_slots");
    const input = { resourceKey: "call_slots", expectedPeriodStart: periodStart.toISOString() };
    const [a, b] = await Promise.all([resetConstraintPeriod({ store: store(), actor, input }), resetConstraintPeriod({ store: store(), actor, input })]);
    expect([a.isReset, b.isReset].sort()).toEqual([false, true]);
    const skipped = a.isReset ? b : a;
    expect(skipped.message).toBe("No change: a new period of Call-centre slots had already started.");
    expect(await counters("call_slots")).toMatchObject({ used: 2, held: 2 });
    expect(await auditFor("call_slots")).toHaveLength(1);
  });

  test("leaves other resources as they were", async () => {
    await pool.query(`UPDATE "ResourceConstraint" SET used = 9, held = 4 WHERE key = 'sms_quota'`);
    const { periodStart } = await counters("call_slots");
    await resetConstraintPeriod({ store: store(), actor, input: { resourceKey: "call_slots", expectedPeriodStart: periodStart.toISOString() } });
    expect(await counters("sms_quota")).toMatchObject({ used: 9, held: 4 });
  });

  test.each([
    { case: "a period start that is not a time", input: { resourceKey: "call_slots", expectedPeriodStart: "yesterday" } },
    { case: "no period start", input: { resourceKey: "call_slots" } },
  ])("refuses $case", ({ input }) => {
    expect(resetPeriodInputSchema.safeParse(input).success).toBe(false);
  });
});
