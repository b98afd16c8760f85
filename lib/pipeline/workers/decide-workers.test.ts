import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../../database/testing";
import { loadCatalog } from "../catalog";
import { createRun, executeRun } from "../runs";
import { insertCatalog, insertCustomers, insertPermissions } from "../testing/fixtures";
import { startDecideWorkers } from "./decide-workers";

describe("deterministic decisions on worker threads", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
    await insertCatalog(db.url, { limits: { call_slots: 1_000, sms_quota: 1_000 } });
    const ids = await insertCustomers(db.url, { count: 40, highValueEvery: 4 });
    await insertPermissions(db.url, ids.slice(0, 34));
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  const outcomes = async (runId: string) =>
    (
      await pool.query<{ customerId: string; status: string; treatmentKey: string | null }>(
        `SELECT "customerId", status::text, "treatmentKey" FROM "Recommendation" WHERE "runId" = $1 ORDER BY "customerId"`,
        [runId],
      )
    ).rows;

  test("a run decided on two threads makes the same decisions as one decided on the run's thread", async () => {
    const inThread = await createRun(pool, { scope: { limit: 40 }, policy: "rules" });
    const a = await executeRun(pool, { runId: inThread.runId, customerIds: inThread.customerIds, policy: "rules", model: null });
    // Read now: the second run's decisions replace these (releasing their holds first, so it meets the same capacity).
    const first = await outcomes(inThread.runId);

    const workers = startDecideWorkers({ databaseUrl: db.url, catalog: await loadCatalog(pool), count: 2 });
    await workers.ready();
    try {
      const onThreads = await createRun(pool, { scope: { limit: 40 }, policy: "rules" });
      const b = await executeRun(pool, {
        runId: onThreads.runId,
        customerIds: onThreads.customerIds,
        policy: "rules",
        model: null,
        concurrency: 3,
        chunkSize: 7,
        batchSize: 5,
        decideMany: workers.decideMany,
      });
      expect(b?.processed).toBe(40);
      expect(b?.byStatus).toEqual(a?.byStatus);
      expect(b?.byTreatment).toEqual(a?.byTreatment);
      const second = await outcomes(onThreads.runId);
      expect(second.map((r) => [r.customerId, r.status, r.treatmentKey])).toEqual(first.map((r) => [r.customerId, r.status, r.treatmentKey]));
    } finally {
      await workers.close();
    }
  });

  test("scarce capacity decided on threads is never over-committed, and the counters match the history", async () => {
    await pool.query(`UPDATE "ResourceConstraint" SET "limit" = 5, "reservedHighValue" = 1`);
    const workers = startDecideWorkers({ databaseUrl: db.url, catalog: await loadCatalog(pool), count: 2 });
    try {
      const run = await createRun(pool, { scope: { limit: 40 }, policy: "rules" });
      const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, concurrency: 3, chunkSize: 6, batchSize: 4, decideMany: workers.decideMany });
      expect(summary?.processed).toBe(40);
      const { rows } = await pool.query<{ key: string; limit: number; held: number; history: number }>(
        `SELECT c.key, c."limit", c.held,
                (SELECT count(*)::int FROM "Allocation" a WHERE a."resourceKey" = c.key AND a.outcome = 'held') AS history
           FROM "ResourceConstraint" c ORDER BY c.key`,
      );
      for (const r of rows) {
        expect(r.held, r.key).toBeLessThanOrEqual(r.limit);
        expect(r.held, r.key).toBe(r.history);
      }
      // Capacity ran out: all of each resource outside its high-value unit was taken, and some
      // customers fell back. (Whether the reserved unit is taken depends on whether a high-value
      // customer still asks once the rest is gone, which varies with the order threads finish in.)
      for (const r of rows) expect(r.held, r.key).toBeGreaterThanOrEqual(r.limit - 1);
      expect(summary?.fallbacks).toBeGreaterThan(0);
    } finally {
      await workers.close();
    }
  });

  test("a chunk that cannot be decided fails the run with the reason, and close() still ends the threads", async () => {
    const workers = startDecideWorkers({ databaseUrl: db.url.replace(/\/[^/]+$/, "/no_such_database"), catalog: await loadCatalog(pool), count: 1 });
    try {
      const run = await createRun(pool, { scope: { limit: 5 }, policy: "rules" });
      const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, decideMany: workers.decideMany });
      expect(summary).toBeNull();
      const { rows } = await pool.query<{ status: string; error: string }>(`SELECT status::text, error FROM "Run" WHERE id = $1`, [run.runId]);
      expect(rows[0]!.status).toBe("failed");
      expect(rows[0]!.error).toMatch(/Deciding a chunk failed: .*no_such_database/);
    } finally {
      await workers.close();
    }
  });
});
