import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DecisionRecord } from "../agents/allocation/ports";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { createPgCapacityStore } from "./pg-capacity-store";
import { insertCatalog, insertCustomers, insertRun } from "./testing/fixtures";

describe("decisions written with the capacity transaction", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let runId: string;
  let customers: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url);
    customers = await insertCustomers(db.url, { count: 4 });
    runId = await insertRun(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const awkward = 'Tab\there, newline\nthere, CR\r, backslash \\ and \\n literally, quotes "x" \'y\', <b>markup</b>, émoji 📞, \\\\N, end\\';

  function decision(customerId: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
    return {
      id: randomUUID(),
      runId,
      customerId,
      status: "pending_review",
      treatmentKey: "retention_call",
      policy: "llm",
      rationale: awkward,
      confidence: 0.875,
      expectedValue: 1234.56,
      alternatives: [{ treatmentKey: "sms_offer", expectedValue: 12.5, reason: awkward }],
      fallbackPath: [],
      permissionStatement: `Call allowed;\t${awkward}`,
      nextContactAt: "2026-11-25T09:00:00.000Z",
      failureReason: null,
      trace: { steps: [{ agent: "treatment", type: "recommend_treatment", message: { note: awkward }, response: { ok: true, data: { text: awkward, n: 1.5, nested: [null, true, "\\\\"] } } }], notes: [awkward] },
      ...overrides,
    };
  }

  test("text, numbers, nulls and JSON come back exactly as written, whatever characters they hold", async () => {
    const written = [decision(customers[0]!), decision(customers[1]!, { status: "failed", treatmentKey: null, nextContactAt: null, failureReason: awkward, expectedValue: 0, confidence: 0 })];
    const store = createPgCapacityStore(pool);
    await store.transact(async () => ({ value: null, writes: { decisions: written } }));
    const { rows } = await pool.query(
      `SELECT id, "runId", "customerId", status::text, "treatmentKey", policy::text, rationale, confidence, "expectedValue"::float8 AS "expectedValue",
              alternatives, "fallbackPath", "permissionStatement", to_char("nextContactAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "nextContactAt",
              "failureReason", trace, "createdAt" = "updatedAt" AS "isSameTime"
         FROM "Recommendation" WHERE id = ANY($1::uuid[]) ORDER BY "customerId"`,
      [written.map((d) => d.id)],
    );
    expect(rows.map(({ isSameTime: _, ...r }) => r)).toEqual(written);
    expect(rows.every((r) => r.isSameTime)).toBe(true);
  });

  const staged = [
    { agent: "data", type: "get_customer_data", message: { customerId: "x" }, response: { ok: true, data: { note: awkward } } },
    { agent: "treatment", type: "recommend_treatment", message: {}, response: { ok: true, data: { n: 2 } } },
  ];
  const own = [{ agent: "allocation", type: "allocate_resource", message: { requests: [] }, response: { ok: true, data: { results: [] } } }];
  test.each([
    { title: "with the decision's steps kept for the run, the trace is written as given, not joined to them", staged, trace: { steps: own, notes: [awkward], usage: { calls: 0 } } },
    { title: "with none kept, the trace is written as given", staged: null, trace: { steps: own, notes: ["n"] } },
    { title: "a trace of no steps of its own stays so", staged, trace: { steps: [] } },
  ])("$title", async ({ staged: stagedSteps, trace }) => {
    const customerId = customers[3]!;
    await pool.query(`DELETE FROM "Recommendation" WHERE "customerId" = $1`, [customerId]);
    await pool.query(`DELETE FROM "DecisionTrace" WHERE "customerId" = $1`, [customerId]);
    if (stagedSteps) await pool.query(`INSERT INTO "DecisionTrace" ("runId", "customerId", steps) VALUES ($1, $2, $3::json)`, [runId, customerId, JSON.stringify(stagedSteps)]);
    const written = decision(customerId, { trace });
    await createPgCapacityStore(pool).transact(async () => ({ value: null, writes: { decisions: [written] } }));
    const { rows } = await pool.query(`SELECT trace, (SELECT steps FROM "DecisionTrace" WHERE "runId" = $2 AND "customerId" = $3) AS kept FROM "Recommendation" WHERE id = $1`, [written.id, runId, customerId]);
    expect(rows[0].trace).toEqual(trace);
    // The kept steps are left as they were.
    expect(rows[0].kept).toEqual(stagedSteps);
  });

  test("a failing write leaves no decision and no counter change behind", async () => {
    const store = createPgCapacityStore(pool);
    const before = (await pool.query(`SELECT count(*)::int AS n FROM "Recommendation"`)).rows[0].n;
    // An unknown customer breaks the foreign key: the whole batch is refused.
    const batch = [decision(customers[2]!), decision("NOBODY")];
    await expect(store.transact(async () => ({ value: null, writes: { decisions: batch } }))).rejects.toThrow();
    expect((await pool.query(`SELECT count(*)::int AS n FROM "Recommendation"`)).rows[0].n).toBe(before);
  });

  test.each([
    { title: "stores a run's prices and prices a resource it left out at nothing", prices: { call_slots: 169.19 }, highValuePrices: { call_slots: 80 }, call: 169.19, reserve: 80 },
    { title: "keeps the reserve's price at most the general pool's", prices: { call_slots: 50 }, highValuePrices: { call_slots: 70 }, call: 50, reserve: 50 },
  ])("$title", async ({ prices, highValuePrices, call, reserve }) => {
    const store = createPgCapacityStore(pool);
    await store.transact(async () => ({ value: null, writes: { prices: { prices: { ...prices }, highValuePrices } } }));
    const stored = await store.readPrices!();
    expect(stored.prices.call_slots).toBe(call);
    expect(stored.highValuePrices.call_slots).toBe(reserve);
    const others = Object.entries(stored.prices).filter(([k]) => k !== "call_slots");
    expect(others.length).toBeGreaterThan(0);
    expect(others.every(([, p]) => p === 0)).toBe(true);
    expect(stored.updatedAt).not.toBeNull();
  });
});
