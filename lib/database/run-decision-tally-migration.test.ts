// The migration that keeps staged outcomes as text (20261207174832_run_decision_outcome_text) on a
// database with a run mid-way: each staged outcome gets the fields its run's summary counts, as the
// code now stages them, and the outcome, now text, stays stored uncompressed.
import { expect, test } from "vitest";
import { type Outcome, talliedOf } from "../agents/orchestrator";
import { insertCustomers, insertRun } from "../pipeline/testing/fixtures";
import { applyMigrations } from "./migrate";
import { databaseBeforeMigration } from "./testing";

const MIGRATION = "20261207174832_run_decision_outcome_text";
const db = databaseBeforeMigration(MIGRATION);

const usage = { calls: 1, promptTokens: 120, completionTokens: 30, retries: 0 };
const decision = (extra: object) => ({ treatmentKey: "loyalty_discount", isNoAction: false, rationale: "r", alternatives: [], usage, policy: "llm", ...extra });
const staged: { customerId: string; outcome: object }[] = [
  { customerId: "C-0001", outcome: { kind: "decided", id: "a", customerId: "C-0001", priority: 3, isHighValue: true, decision: decision({}) } },
  { customerId: "C-0002", outcome: { kind: "decided", id: "b", customerId: "C-0002", priority: 1, isHighValue: false, decision: decision({ modelFallback: { kind: "timeout", reason: "stalled" } }) } },
  { customerId: "C-0003", outcome: { kind: "decided", id: "c", customerId: "C-0003", priority: 1, isHighValue: false, decision: decision({ modelFallback: null, policy: "rules", usage: { ...usage, calls: 0 } }) } },
  { customerId: "C-0004", outcome: { kind: "failed", id: "d", customerId: "C-0004", reason: "No data", policy: "rules" } },
  { customerId: "GONE", outcome: { kind: "missing", customerId: "GONE" } },
];

test("a run staged before the migration gets each outcome's counted fields, as the code stages them", async () => {
  await db.withEarlierSchema(async (c) => {
    await insertCustomers(db.url, { count: 4, prefix: "C" });
    const runId = await insertRun(db.url);
    for (const s of staged) {
      await c.query(`INSERT INTO "RunDecision" ("runId", "customerId", priority, "isHighValue", outcome, context) VALUES ($1, $2, 1, false, $3, '{"now":"x"}')`, [runId, s.customerId, JSON.stringify(s.outcome)]);
    }
    expect(await applyMigrations(db.url)).toContain(MIGRATION);
    const { rows } = await c.query<{ customerId: string; outcome: Outcome; tally: unknown }>(`SELECT "customerId", outcome, tally FROM "RunDecision" WHERE "runId" = $1 ORDER BY "customerId"`, [runId]);
    expect(rows.map((r) => r.customerId)).toEqual(staged.map((s) => s.customerId));
    for (const row of rows) expect(row.tally, row.customerId).toEqual(talliedOf(row.outcome));
    expect(rows[1]!.tally).toMatchObject({ decision: { modelFallback: { kind: "timeout", reason: "stalled" } } });
    expect(rows[2]!.tally).toEqual({ kind: "decided", customerId: "C-0003", decision: { usage: { ...usage, calls: 0 }, policy: "rules" } });
    const columns = await c.query<{ attname: string; type: string; attstorage: string }>(
      `SELECT attname, format_type(atttypid, atttypmod) AS type, attstorage FROM pg_attribute
        WHERE attrelid = '"RunDecision"'::regclass AND attname IN ('outcome', 'tally') ORDER BY attname`,
    );
    expect(columns.rows).toEqual([
      { attname: "outcome", type: "json", attstorage: "e" },
      { attname: "tally", type: "jsonb", attstorage: "x" },
    ]);
  });
});
