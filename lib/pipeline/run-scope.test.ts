import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { type RunScope, runScopeSchema, selectCustomers } from "./runs";
import { insertCustomers } from "./testing/fixtures";

/** Stored insights: T-0001..T-0006 analysed, T-0007 and T-0008 never. */
const insights = [
  { customerId: "T-0001", churnRisk: 0.72, patterns: ["declining_usage", "price_sensitive"] },
  { customerId: "T-0002", churnRisk: 0.5, patterns: ["declining_usage"] },
  { customerId: "T-0003", churnRisk: 0.49, patterns: ["declining_usage"] },
  { customerId: "T-0004", churnRisk: 0.9, patterns: ["repeated_complaints"] },
  { customerId: "T-0005", churnRisk: 0.1, patterns: [] },
  { customerId: "T-0006", churnRisk: 0.3, patterns: ["bill_shock"] },
];

describe("run scopes by stored journey insight", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertCustomers(db.url, { count: 8, highValueEvery: 2 });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query(
      `INSERT INTO "CustomerInsight" ("customerId", "churnRisk", "lifetimeValue", "valueTier", "monthlyRevenue", "tenureMonths", "complaintCount",
          "complaintsLast90Days", "incidentsLast90Days", "latePayments", "missedPayments", patterns, "maxSeverity", "asOf", "updatedAt")
       SELECT x."customerId", x."churnRisk", 1000, 'medium', 40, 12, 0, 0, 0, 0, 0, x.patterns,
          CASE WHEN cardinality(x.patterns) > 0 THEN 'medium'::"PatternSeverity" END, now(), now()
       FROM json_to_recordset($1::json) AS x("customerId" text, "churnRisk" float8, patterns text[])`,
      [JSON.stringify(insights)],
    );
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test.each<{ title: string; scope: RunScope; ids: string[] }>([
    { title: "a pattern takes exactly the customers showing it", scope: { pattern: "declining_usage" }, ids: ["T-0001", "T-0002", "T-0003"] },
    { title: "a pattern nobody shows takes no one", scope: { pattern: "port_out_risk" }, ids: [] },
    { title: "a minimum risk of 0.5 takes 0.5 and above, not 0.49", scope: { minRisk: 0.5 }, ids: ["T-0001", "T-0002", "T-0004"] },
    { title: "a minimum risk of 0 takes every analysed customer, none never analysed", scope: { minRisk: 0 }, ids: ["T-0001", "T-0002", "T-0003", "T-0004", "T-0005", "T-0006"] },
    { title: "pattern and minimum risk together take customers meeting both", scope: { pattern: "declining_usage", minRisk: 0.5 }, ids: ["T-0001", "T-0002"] },
    { title: "a pattern narrows a value tier", scope: { pattern: "declining_usage", valueTier: "premium" }, ids: ["T-0002"] },
  ])("$title", async ({ scope, ids }) => {
    expect((await selectCustomers(pool, scope)).sort()).toEqual(ids);
  });

  test.each([
    { title: "refuses a minimum risk above 1", input: { minRisk: 1.5 }, path: "minRisk" },
    { title: "refuses a minimum risk below 0", input: { minRisk: -0.1 }, path: "minRisk" },
    { title: "refuses a pattern the journey agent does not name", input: { pattern: "grumpy" }, path: "pattern" },
  ])("$title", ({ input, path }) => {
    const parsed = runScopeSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([path]);
  });
});
