import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { applyMigrations } from "../database/migrate";
import { migrationsDir } from "../database/paths";
import { createEmptyDatabase, usePoolPerTest } from "../database/testing";
import { loadCatalog } from "./catalog";
import { createPgCapacityStore } from "./pg-capacity-store";
import { reviewRecommendations } from "./review";
import { createRun, executeRun } from "./runs";
import { SUPERSEDED_BY_RUN_SQL } from "../jobs/steps";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import type { TreatmentAgentMessage, TreatmentAgentResponse } from "../agents/messages";
import { createOrchestrator } from "../agents/orchestrator";
import { type Agent, fail } from "../agents/protocol";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "./testing/fixtures";

describe("a newer decision replaces the customer's pending one", () => {
  const t = usePoolPerTest({ max: 20 });

  const one = async <T>(sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows[0] as T;

  async function runFor(customerIds: string[], opts: { batchSize?: number; concurrency?: number } = {}) {
    const run = await createRun(t.pool, { scope: { customerIds }, policy: "rules" });
    const summary = await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, ...opts });
    if (!summary) throw new Error("run failed");
    return { runId: run.runId, summary };
  }

  test("a run counts what it superseded through the index of superseded links, never by scanning every recommendation", async () => {
    await insertCatalog(t.db.url, { limits: { call_slots: 1_000 } });
    const ids = await insertCustomers(t.db.url, { count: 6 });
    await insertPermissions(t.db.url, ids);
    await runFor(ids);
    const second = await runFor(ids.slice(0, 4));
    expect(second.summary.supersededEarlier).toBe(4);
    expect(await one(SUPERSEDED_BY_RUN_SQL, [second.runId])).toEqual({ n: 4 });
    const client = await t.pool.connect();
    try {
      // Ruled out, a sequential scan is still taken where no index can answer: the statement must need none.
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${SUPERSEDED_BY_RUN_SQL}`, [second.runId]);
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).not.toMatch(/Seq Scan/);
      expect(plan).toContain("Recommendation_supersededById_idx");
    } finally {
      await client.query("RESET enable_seqscan");
      client.release();
    }
  });

  test("running a customer again releases the earlier hold first, so the last call slot goes to the new decision", async () => {
    await insertCatalog(t.db.url, { limits: { call_slots: 1 } });
    const [id] = await insertCustomers(t.db.url, { count: 1 });
    await insertPermissions(t.db.url, [id!]);

    const first = await runFor([id!]);
    const earlier = await one<{ id: string; treatmentKey: string }>(`SELECT id, "treatmentKey" FROM "Recommendation" WHERE "runId" = $1`, [first.runId]);
    expect(earlier.treatmentKey).toBe("retention_call");

    const second = await runFor([id!]);
    expect(second.summary.supersededEarlier).toBe(1);
    const recs = await t.pool.query<{ id: string; runId: string; status: string; treatmentKey: string; supersededById: string | null; trace: { steps: { agent: string; type: string; response: { data?: { released?: string[] } } }[] } }>(
      `SELECT id, "runId", status::text, "treatmentKey", "supersededById", trace FROM "Recommendation" ORDER BY "createdAt", id`,
    );
    const newer = recs.rows.find((r) => r.runId === second.runId)!;
    expect(recs.rows.find((r) => r.id === earlier.id)).toMatchObject({ status: "superseded", supersededById: newer.id });
    // The slot the earlier decision held was free again for the new one: no fallback was needed.
    expect(newer).toMatchObject({ status: "pending_review", treatmentKey: "retention_call", supersededById: null });
    const release = newer.trace.steps.find((s) => s.type === "release_allocation");
    expect(release?.response.data?.released).toEqual([earlier.id]);

    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 1, held: 1 });
    const history = await t.pool.query<{ recommendationId: string; outcome: string; reason: string }>(
      `SELECT "recommendationId", outcome::text, reason FROM "Allocation" WHERE "resourceKey" = 'call_slots' ORDER BY id`,
    );
    expect(history.rows.map((r) => [r.recommendationId, r.outcome])).toEqual([
      [earlier.id, "held"],
      [earlier.id, "released"],
      [newer.id, "held"],
    ]);
    expect(history.rows[1]!.reason).toMatch(/superseded by a newer decision/);
  });

  test("when the newer decision fails, the earlier recommendation keeps waiting for review with its hold", async () => {
    await insertCatalog(t.db.url, { limits: { call_slots: 1, sms_quota: 0 } });
    const [id] = await insertCustomers(t.db.url, { count: 1 });
    await insertPermissions(t.db.url, [id!]);
    const first = await runFor([id!]);
    const earlier = await one<{ id: string; treatmentKey: string }>(`SELECT id, "treatmentKey" FROM "Recommendation" WHERE "runId" = $1`, [first.runId]);
    expect(earlier.treatmentKey).toBe("retention_call");

    // The new decision asks for an SMS (no quota left) and then finds no alternative: it fails.
    const catalog = await loadCatalog(t.pool);
    const real = createTreatmentAgent({ catalog, model: null });
    const treatment: Agent<TreatmentAgentMessage, TreatmentAgentResponse> = {
      name: "treatment",
      async process(message) {
        if (message.type === "find_alternative_treatment") return fail(message.type, "no_eligible_treatment", "nothing else is allowed") as TreatmentAgentResponse;
        const response = await real.process(message);
        return response.ok && response.type === "recommend_treatment" ? { ...response, data: { ...response.data, treatmentKey: "retention_sms", isNoAction: false } } : response;
      },
    };
    const runId = await insertRun(t.db.url);
    const orchestrator = createOrchestrator({
      data: createDataAgent({ source: createPgCustomerSource(t.pool), cache: createCustomerCache() }),
      journey: createJourneyAgent(),
      treatment,
      capacity: createPgCapacityStore(t.pool),
      catalog,
      progress: { report: async () => ({ isCancelRequested: false }) },
      policy: "rules",
    });
    const response = await orchestrator.process({ type: "process_customer", runId, customerId: id! });
    expect(response.ok && response.data).toMatchObject({ byStatus: { failed: 1 }, supersededEarlier: 0 });

    expect(await one(`SELECT status::text, "supersededById" FROM "Recommendation" WHERE id = $1`, [earlier.id])).toEqual({ status: "pending_review", supersededById: null });
    expect(await one(`SELECT status::text FROM "Recommendation" WHERE "runId" = $1`, [runId])).toEqual({ status: "failed" });
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 1, held: 1 });
    const history = await t.pool.query<{ outcome: string }>(`SELECT outcome::text FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [earlier.id]);
    expect(history.rows.map((r) => r.outcome)).toEqual(["held", "released", "held"]);
    // And it can still be approved, confirming the one unit it holds.
    const outcome = await reviewRecommendations({ store: createPgCapacityStore(t.pool), catalog, recommendationIds: [earlier.id], action: { kind: "approve" }, reviewer: { id: null, label: "test reviewer" } });
    expect(outcome.done).toEqual([earlier.id]);
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 1, held: 0 });
  });

  test("a replaced recommendation can no longer be approved", async () => {
    await insertCatalog(t.db.url);
    const [id] = await insertCustomers(t.db.url, { count: 1 });
    await insertPermissions(t.db.url, [id!]);
    const first = await runFor([id!]);
    await runFor([id!]);
    const earlier = await one<{ id: string }>(`SELECT id FROM "Recommendation" WHERE "runId" = $1`, [first.runId]);
    const outcome = await reviewRecommendations({
      store: createPgCapacityStore(t.pool),
      catalog: await loadCatalog(t.pool),
      recommendationIds: [earlier.id],
      action: { kind: "approve" },
      reviewer: { id: null, label: "test reviewer" },
    });
    expect(outcome).toEqual({ done: [], skipped: [{ recommendationId: earlier.id, reason: "Already superseded" }] });
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 1, held: 1 });
  });

  test("two runs over the same 20 customers at once leave one pending decision per customer, and counters equal the live holds", async () => {
    await insertCatalog(t.db.url, { limits: { call_slots: 10 } });
    const ids = await insertCustomers(t.db.url, { count: 20, highValueEvery: 4 });
    await insertPermissions(t.db.url, ids);
    const runs = await Promise.all([runFor(ids, { batchSize: 5, concurrency: 4 }), runFor([...ids].reverse(), { batchSize: 3, concurrency: 3 })]);

    const perCustomer = await t.pool.query<{ customerId: string; pending: number }>(
      `SELECT c.id AS "customerId", count(r.id) FILTER (WHERE r.status = 'pending_review')::int AS pending
         FROM "Customer" c LEFT JOIN "Recommendation" r ON r."customerId" = c.id GROUP BY c.id`,
    );
    expect(perCustomer.rows).toHaveLength(20);
    expect(perCustomer.rows.every((r) => r.pending === 1)).toBe(true);
    const superseded = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE status = 'superseded'`);
    expect(superseded.n).toBe(20);
    expect(runs[0].summary.supersededEarlier + runs[1].summary.supersededEarlier).toBe(20);

    const calls = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE status = 'pending_review' AND "treatmentKey" = 'retention_call'`);
    expect(calls.n).toBe(10);
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 10, held: 10 });
    // The history agrees: every hold is either still live or was given back.
    const history = await one<{ live: number }>(
      `SELECT (count(*) FILTER (WHERE outcome = 'held') - count(*) FILTER (WHERE outcome IN ('released', 'confirmed')))::int AS live
         FROM "Allocation" WHERE "resourceKey" = 'call_slots'`,
    );
    expect(history.live).toBe(10);
  });

  test("the database refuses a second pending recommendation for one customer", async () => {
    await insertCatalog(t.db.url);
    const [id] = await insertCustomers(t.db.url, { count: 1 });
    const runs = [await insertRun(t.db.url), await insertRun(t.db.url)];
    const insert = (runId: string) =>
      t.pool.query(
        `INSERT INTO "Recommendation" (id, "runId", "customerId", status, policy, rationale, confidence, "expectedValue", "permissionStatement", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'pending_review', 'rules', 'r', 0.5, 1, 's', now())`,
        [runId, id],
      );
    await insert(runs[0]!);
    await expect(insert(runs[1]!)).rejects.toThrow(/Recommendation_one_pending_per_customer/);
  });
});

describe("the migration that allows one pending recommendation per customer", () => {
  test("keeps each customer's newest pending recommendation, supersedes the older ones and releases what they held", async () => {
    const empty = await createEmptyDatabase();
    const before = mkdtempSync(path.join(tmpdir(), "cvm-migrations-"));
    const pool = new pg.Pool({ connectionString: empty.url, max: 2 });
    try {
      // Every migration up to the one under test.
      const all = readdirSync(migrationsDir).filter((d) => /^\d{14}_/.test(d)).sort();
      const target = all.findIndex((d) => d.endsWith("_one_pending_recommendation_per_customer"));
      expect(target).toBeGreaterThan(0);
      for (const d of all.slice(0, target)) cpSync(path.join(migrationsDir, d), path.join(before, d), { recursive: true });
      cpSync(path.join(migrationsDir, "migration_lock.toml"), path.join(before, "migration_lock.toml"));
      await applyMigrations(empty.url, before);

      await insertCatalog(empty.url, { limits: { call_slots: 5 } });
      const [a, b] = await insertCustomers(empty.url, { count: 2 });
      const runs = [await insertRun(empty.url), await insertRun(empty.url), await insertRun(empty.url)];
      const rec = async (runId: string, customerId: string, minutesAgo: number) =>
        (
          await pool.query<{ id: string }>(
            `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "createdAt", "updatedAt")
             VALUES (gen_random_uuid(), $1, $2, 'pending_review', 'retention_call', 'rules', 'r', 0.5, 1, 's', now() - make_interval(mins => $3), now()) RETURNING id`,
            [runId, customerId, minutesAgo],
          )
        ).rows[0]!.id;
      const hold = (recommendationId: string, customerId: string, runId: string) =>
        pool.query(
          `INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", "recommendationId", "runId", outcome, units, reason, "periodStart")
           VALUES ('call_slots', 'retention_call', $2, $1, $3, 'held', 1, 'held', now())`,
          [recommendationId, customerId, runId],
        );
      const oldest = await rec(runs[0]!, a!, 30);
      const older = await rec(runs[1]!, a!, 20);
      const newest = await rec(runs[2]!, a!, 10);
      const onlyB = await rec(runs[0]!, b!, 30);
      for (const [id, c, r] of [[oldest, a, runs[0]], [older, a, runs[1]], [newest, a, runs[2]], [onlyB, b, runs[0]]] as const) await hold(id, c!, r!);
      await pool.query(`UPDATE "ResourceConstraint" SET used = 4, held = 4 WHERE key = 'call_slots'`);

      expect(await applyMigrations(empty.url)).toEqual(all.slice(target));

      const recs = await pool.query<{ id: string; status: string; supersededById: string | null }>(`SELECT id, status::text, "supersededById" FROM "Recommendation"`);
      const byId = new Map(recs.rows.map((r) => [r.id, r]));
      expect(byId.get(oldest)).toMatchObject({ status: "superseded", supersededById: newest });
      expect(byId.get(older)).toMatchObject({ status: "superseded", supersededById: newest });
      expect(byId.get(newest)).toMatchObject({ status: "pending_review", supersededById: null });
      expect(byId.get(onlyB)).toMatchObject({ status: "pending_review", supersededById: null });
      expect((await pool.query(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0]).toEqual({ used: 2, held: 2 });
      const released = await pool.query<{ recommendationId: string }>(`SELECT "recommendationId" FROM "Allocation" WHERE outcome = 'released' ORDER BY "recommendationId"`);
      expect(released.rows.map((r) => r.recommendationId).sort()).toEqual([oldest, older].sort());
    } finally {
      await pool.end();
      rmSync(before, { recursive: true, force: true });
      await empty.drop();
    }
  });
});
