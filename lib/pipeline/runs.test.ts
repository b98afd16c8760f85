import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { loadCatalog } from "./catalog";
import { createPgCapacityStore } from "./pg-capacity-store";
import { reviewRecommendations } from "./review";
import { DEMO_RESET_LOCK_KEY, RunRequestError, createRun, executeRun, requestCancel, resolvePolicy, selectCustomers } from "./runs";
import { createOpenAIChatModel } from "../llm/openai-model";
import { answerReply, schemaAnswer, startFakeOpenAIServer } from "../llm/testing/fake-openai-server";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

describe("runs on PostgreSQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 20 });
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  const one = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0] as T;
  /** Runs `fn` on a connection of its own (another process's, as far as locks go), closed after. */
  const onAnotherConnection = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  test.each([
    { title: "greedy: every one of the 40 was denied the call at hold time", strategy: "greedy" as const },
    { title: "optimal: two plans made at once promise more slots than exist, and the lock still grants exactly 10", strategy: "optimal" as const },
  ])("50 customers racing for 10 call slots from two parallel runs: exactly 10 held, 40 fall back or take no action, history agrees; rejecting 3 releases 3 ($title)", async ({ strategy }) => {
    await insertCatalog(db.url, { limits: { call_slots: 10 } });
    const ids = await insertCustomers(db.url, { count: 50, highValueEvery: 5 });
    await insertPermissions(db.url, ids);

    const first = await createRun(pool, { scope: { customerIds: ids.slice(0, 25) }, policy: "rules" });
    const second = await createRun(pool, { scope: { customerIds: ids.slice(25) }, policy: "rules" });
    const summaries = await Promise.all([
      executeRun(pool, { runId: first.runId, customerIds: first.customerIds, policy: "rules", model: null, batchSize: 5, concurrency: 4, allocationStrategy: strategy }),
      executeRun(pool, { runId: second.runId, customerIds: second.customerIds, policy: "rules", model: null, batchSize: 5, concurrency: 4, allocationStrategy: strategy }),
    ]);
    expect(summaries.every((s) => s !== null)).toBe(true);

    const calls = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "treatmentKey" = 'retention_call' AND status = 'pending_review'`);
    expect(calls.n).toBe(10);
    const others = await pool.query<{ status: string; treatmentKey: string | null; fallbackPath: { treatmentKey: string }[]; fates: { treatmentKey: string; rule?: string }[] }>(
      `SELECT status, "treatmentKey", "fallbackPath", fates FROM "Recommendation" WHERE "treatmentKey" IS DISTINCT FROM 'retention_call'`,
    );
    expect(others.rows).toHaveLength(40);
    for (const r of others.rows) {
      expect(["pending_review", "no_action"]).toContain(r.status);
      // Denied at hold time, or set aside by the run's plan before asking.
      const isSetAside = r.fates.some((f) => f.treatmentKey === "retention_call" && f.rule === "set_aside");
      expect(r.fallbackPath.some((h) => h.treatmentKey === "retention_call") || isSetAside).toBe(true);
      if (strategy === "greedy") expect(r.fallbackPath.map((h) => h.treatmentKey)).toContain("retention_call");
    }

    const resource = await one<{ used: number; held: number }>(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`);
    expect(resource).toEqual({ used: 10, held: 10 });
    const history = await pool.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM "Allocation" WHERE "resourceKey" = 'call_slots' GROUP BY outcome ORDER BY outcome`,
    );
    const byOutcome = Object.fromEntries(history.rows.map((r) => [r.outcome, r.n]));
    expect(byOutcome.held).toBe(10);
    if (strategy === "greedy") {
      expect(byOutcome).toEqual({ held: 10, denied: 40 });
      expect(summaries.reduce((n, s) => n + (s?.fallbacks ?? 0), 0)).toBe(40);
    }

    const held = await pool.query<{ id: string }>(`SELECT id FROM "Recommendation" WHERE "treatmentKey" = 'retention_call' ORDER BY id LIMIT 3`);
    const outcome = await reviewRecommendations({
      store: createPgCapacityStore(pool),
      catalog: await loadCatalog(pool),
      recommendationIds: held.rows.map((r) => r.id),
      action: { kind: "reject", reason: "Customer already called this week" },
      reviewer: { id: null, label: "test reviewer" },
    });
    expect(outcome.done).toHaveLength(3);
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 7, held: 7 });
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Allocation" WHERE "resourceKey" = 'call_slots' AND outcome = 'released'`)).n).toBe(3);
  });

  test("the high-value reserve keeps slots for high-value customers when regular ones ask first", async () => {
    await insertCatalog(db.url, { limits: { call_slots: 4 }, reserves: { call_slots: 2 } });
    const ids = await insertCustomers(db.url, { count: 10, highValueEvery: 5 });
    await insertPermissions(db.url, ids);
    // The regular customers are decided first, in a run of their own; the premium ones come after.
    const regular = ids.filter((_, i) => (i + 1) % 5 !== 0);
    for (const customerIds of [regular, ids.filter((id) => !regular.includes(id))]) {
      const run = await createRun(pool, { scope: { customerIds }, policy: "rules" });
      await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 10 });
    }
    const winners = await pool.query<{ valueTier: string }>(
      `SELECT c."valueTier" FROM "Recommendation" r JOIN "Customer" c ON c.id = r."customerId" WHERE r."treatmentKey" = 'retention_call'`,
    );
    expect(winners.rows.map((r) => r.valueTier).sort()).toEqual(["medium", "medium", "premium", "premium"]);
  });

  test("a run records progress, its summary and the trace of every agent step", async () => {
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 12 });
    await insertPermissions(db.url, ids.slice(0, 6));
    const createdAt = Date.now();
    const run = await createRun(pool, { scope: { limit: 12 }, policy: "rules" });
    const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 4 });
    expect(summary?.processed).toBe(12);
    const row = await one<{ status: string; processed: number; total: number; summary: { processed: number; durationMs: number } }>(`SELECT status, processed, total, summary FROM "Run" WHERE id = $1`, [run.runId]);
    expect(row).toMatchObject({ status: "completed", processed: 12, total: 12, summary: { processed: 12 } });
    // Its duration runs from its first chunk to its end, on the database's clock.
    expect(row.summary.durationMs).toBeGreaterThan(0);
    expect(row.summary.durationMs).toBeLessThanOrEqual(Date.now() - createdAt);
    type Step = { agent: string; type: string; durationMs: number };
    const recs = await pool.query<{ customerId: string; status: string; permissionStatement: string; trace: { steps: Step[] }; decided: Step[] }>(
      `SELECT r."customerId", r.status, r."permissionStatement", r.trace, t.steps AS decided
         FROM "Recommendation" r JOIN "DecisionTrace" t ON t."runId" = r."runId" AND t."customerId" = r."customerId"
        WHERE r."runId" = $1 ORDER BY r."customerId"`,
      [run.runId],
    );
    expect(recs.rows).toHaveLength(12);
    for (const r of recs.rows) {
      // The steps kept while deciding, in their order; the recommendation's own are the allocation's.
      expect(r.decided.map((s) => `${s.agent}.${s.type}`)).toEqual(["data.get_customer_data", "journey.build_journey", "journey.analyze_journey", "journey.summarize_journey", "orchestrator.read_permissions", "treatment.recommend_treatment"]);
      const own = r.trace.steps.map((s) => `${s.agent}.${s.type}`);
      expect(own.every((s) => s.startsWith("allocation.") || s.startsWith("treatment.find_alternative"))).toBe(true);
      if (r.status === "pending_review") expect(own).toContain("allocation.allocate_resource");
      expect([...r.decided, ...r.trace.steps].every((s) => typeof s.durationMs === "number")).toBe(true);
      expect(r.permissionStatement.length).toBeGreaterThan(0);
    }
    // Customers without any consent record are never contacted.
    for (const r of recs.rows.slice(6)) expect(r.status).toBe("no_action");
  });

  test("no decision is lost when model answers arrive out of order across batches", async () => {
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 60 });
    await insertPermissions(db.url, ids);
    let n = 0;
    const fake = await startFakeOpenAIServer({ isRecording: false });
    fake.setHandler(async (request) => {
      await new Promise((r) => setTimeout(r, (n++ * 7) % 40));
      return schemaAnswer(request);
    });
    try {
      const model = createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: fake.baseURL, maxRetries: 0 });
      const run = await createRun(pool, { scope: { limit: 60 }, policy: "llm" });
      const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "llm", model, concurrency: 16, batchSize: 3 });
      expect(summary?.processed).toBe(60);
      expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1`, [run.runId])).n).toBe(60);
    } finally {
      await fake.close();
    }
  });

  test("a model run tells refused answers apart from customers for whom only no action was allowed", async () => {
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 8 });
    // The last three have no consent record: only no action is allowed, so the model is not asked.
    await insertPermissions(db.url, ids.slice(0, 5));
    const refused = ids[0]!;
    const fake = await startFakeOpenAIServer({ isRecording: false });
    fake.setHandler((request) => {
      const text = JSON.stringify(request.body?.messages ?? []);
      return text.includes(refused) ? answerReply("{ not json") : schemaAnswer(request);
    });
    try {
      const model = createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: fake.baseURL, maxRetries: 0 });
      const run = await createRun(pool, { scope: { limit: 8 }, policy: "llm" });
      const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "llm", model, concurrency: 4 });
      expect(summary?.processed).toBe(8);
      expect(summary?.modelFallbacks).toBe(1);
      expect(summary?.decidedWithoutModel).toBe(3);
      // Four customers answered at once, one asked twice and refused both times.
      expect(summary?.modelCalls).toBe(6);
      expect(fake.requestCount).toBe(6);
      const rec = await one<{ policy: string; trace: { notes: string[] } }>(`SELECT policy::text, trace FROM "Recommendation" WHERE "runId" = $1 AND "customerId" = $2`, [run.runId, refused]);
      expect(rec.policy).toBe("rules");
      expect(rec.trace.notes.join(" ")).toMatch(/not valid JSON/);
    } finally {
      await fake.close();
    }
  });

  test("an unknown customer in the selection is refused before a run is created", async () => {
    await insertCatalog(db.url);
    await insertCustomers(db.url, { count: 2 });
    await expect(createRun(pool, { scope: { customerIds: ["T-0001", "NOPE"] }, policy: "rules" })).rejects.toThrow(/Unknown customer: NOPE/);
    await expect(createRun(pool, { scope: { segment: "nobody" }, policy: "rules" })).rejects.toThrow(/No customer matches/);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Run"`)).n).toBe(0);
  });

  test("refuses to create a run while a demo reset holds its lock, writing no run, and creates it once the reset ends", async () => {
    await insertCustomers(db.url, { count: 3 });
    await onAnotherConnection(async (reset) => {
      await reset.query(`SELECT pg_advisory_lock($1)`, [DEMO_RESET_LOCK_KEY]);
      const err = await createRun(pool, { scope: { limit: 2 }, policy: "rules" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunRequestError);
      expect((err as Error).message).toBe("A demo reset is in progress; try again in a moment.");
      expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Run"`)).n).toBe(0);
      await reset.query(`SELECT pg_advisory_unlock($1)`, [DEMO_RESET_LOCK_KEY]);
    });
    const run = await createRun(pool, { scope: { limit: 2 }, policy: "rules" });
    expect(run.customerIds).toEqual(["T-0001", "T-0002"]);
  });

  test("a shared holder of the reset lock does not stop a run, and a created run leaves the lock free", async () => {
    await insertCustomers(db.url, { count: 3 });
    await onAnotherConnection(async (other) => {
      await other.query(`SELECT pg_advisory_lock_shared($1)`, [DEMO_RESET_LOCK_KEY]);
      await expect(createRun(pool, { scope: { limit: 1 }, policy: "rules" })).resolves.toMatchObject({ customerIds: ["T-0001"] });
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND pid <> $2`,
        [DEMO_RESET_LOCK_KEY, (await other.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0]!.pid],
      );
      expect(rows[0]!.n).toBe(0);
    });
  });

  test("a customer named twice in the selection is decided once", async () => {
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 3 });
    await insertPermissions(db.url, ids);
    const run = await createRun(pool, { scope: { customerIds: ["T-0002", "T-0001", "T-0002", "T-0001"] }, policy: "rules" });
    expect([...run.customerIds].sort()).toEqual(["T-0001", "T-0002"]);
    const row = await one<{ total: number; scope: { customerIds: string[] } }>(`SELECT total, scope FROM "Run" WHERE id = $1`, [run.runId]);
    expect(row).toEqual({ total: 2, scope: { customerIds: ["T-0002", "T-0001"] } });
    const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
    expect(summary?.processed).toBe(2);
    const recs = await pool.query<{ customerId: string }>(`SELECT "customerId" FROM "Recommendation" WHERE "runId" = $1 ORDER BY "customerId"`, [run.runId]);
    expect(recs.rows.map((r) => r.customerId)).toEqual(["T-0001", "T-0002"]);
  });

  test("an unknown customer named twice is named once in the refusal", async () => {
    await insertCustomers(db.url, { count: 1 });
    await expect(createRun(pool, { scope: { customerIds: ["NOPE", "T-0001", "NOPE"] }, policy: "rules" })).rejects.toThrow(/^Unknown customer: NOPE$/);
  });

  test("selection by tier and limit takes the first customers by id", async () => {
    await insertCustomers(db.url, { count: 10, highValueEvery: 2 });
    expect(await selectCustomers(pool, { valueTier: "premium", limit: 3 })).toEqual(["T-0002", "T-0004", "T-0006"]);
  });

  test("a run serves its most valuable customers first: the last call slots go to them even when their ids come last", async () => {
    await insertCatalog(db.url, { limits: { call_slots: 2 } });
    const ids = await insertCustomers(db.url, { count: 20, highValueEvery: 10 });
    await insertPermissions(db.url, ids);
    await pool.query(`UPDATE "Customer" SET "monthlyRevenue" = 90 WHERE id = 'T-0010'`);
    const run = await createRun(pool, { scope: { limit: 20 }, policy: "rules" });
    // Premium first (the higher revenue ahead), then the rest by id.
    expect(run.customerIds.slice(0, 3)).toEqual(["T-0010", "T-0020", "T-0001"]);
    await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 5, concurrency: 1 });
    const calls = await pool.query<{ customerId: string }>(`SELECT "customerId" FROM "Recommendation" WHERE "treatmentKey" = 'retention_call' ORDER BY "customerId"`);
    expect(calls.rows.map((r) => r.customerId)).toEqual(["T-0010", "T-0020"]);
  });

  test("the model policy is refused when no model is configured; auto picks the rules", () => {
    expect(() => resolvePolicy("llm", null)).toThrow(/OPENAI_API_KEY/);
    expect(resolvePolicy("auto", null)).toBe("rules");
    expect(resolvePolicy("rules", null)).toBe("rules");
  });

  test("cancelling a run that is still deciding ends it at once: no recommendation written, no capacity held", async () => {
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 40 });
    await insertPermissions(db.url, ids);
    const run = await createRun(pool, { scope: { limit: 40 }, policy: "rules" });
    expect(await requestCancel(pool, { runId: run.runId, actor: { id: null, label: "test" } })).toEqual({ isAlreadyRequested: false });
    const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 5 });
    expect(summary?.isCancelled).toBe(true);
    const row = await one<{ status: string; processed: number }>(`SELECT status, processed FROM "Run" WHERE id = $1`, [run.runId]);
    expect(row.status).toBe("cancelled");
    expect(row.processed).toBeLessThan(40);
    const recs = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1`, [run.runId]);
    expect(recs.n).toBe(row.processed);
    expect(await requestCancel(pool, { runId: run.runId, actor: { id: null, label: "test" } })).toEqual({ isAlreadyRequested: true });
  });
});
