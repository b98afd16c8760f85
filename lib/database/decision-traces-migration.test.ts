// The migration that keeps decision steps apart (20261207111559_decision_traces) on a database with a
// run mid-way: each staged customer's steps move from RunDecision to DecisionTrace, except those of
// a customer deleted meanwhile and empty lists, and the staged outcomes stay.
import { expect, test } from "vitest";
import { insertCustomers, insertRun } from "../pipeline/testing/fixtures";
import { applyMigrations } from "./migrate";
import { databaseBeforeMigration } from "./testing";

const MIGRATION = "20261207111559_decision_traces";
const db = databaseBeforeMigration(MIGRATION);

test("a run staged before the migration keeps its decisions' steps, now in DecisionTrace", async () => {
  await db.withEarlierSchema(async (c) => {
    await insertCustomers(db.url, { count: 3, prefix: "C" });
    const runId = await insertRun(db.url);
    const steps = [{ agent: "data", type: "get_customer_data", message: { customerId: "C-0001" }, response: { ok: true } }];
    const staged = [
      { customerId: "C-0001", trace: JSON.stringify(steps) },
      { customerId: "C-0002", trace: "[]" },
      { customerId: "C-0003", trace: null },
      { customerId: "GONE", trace: JSON.stringify(steps) },
    ];
    for (const s of staged) {
      await c.query(`INSERT INTO "RunDecision" ("runId", "customerId", priority, "isHighValue", outcome, trace) VALUES ($1, $2, 1, false, $3, $4::json)`, [runId, s.customerId, JSON.stringify({ kind: "decided", customerId: s.customerId }), s.trace]);
    }
    expect(await applyMigrations(db.url)).toContain(MIGRATION);
    const kept = await c.query(`SELECT "customerId", steps FROM "DecisionTrace" WHERE "runId" = $1 ORDER BY "customerId"`, [runId]);
    expect(kept.rows).toEqual([{ customerId: "C-0001", steps }]);
    const left = await c.query(`SELECT "customerId" FROM "RunDecision" WHERE "runId" = $1 ORDER BY "customerId"`, [runId]);
    expect(left.rows.map((r) => r.customerId)).toEqual(["C-0001", "C-0002", "C-0003", "GONE"]);
    const column = await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'RunDecision' AND column_name = 'trace'`);
    expect(column.rowCount).toBe(0);
  });
});
