import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { demoUsers } from "../auth/demo-users";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { AppError } from "../errors";
import { createDataAgent } from "../agents/data/data-agent";
import { createCustomerCache } from "../pipeline/customer-cache";
import { createPgCustomerSource } from "../pipeline/customer-source";
import { DEMO_RESET_LOCK_KEY, RunRequestError, createRun } from "../pipeline/runs";
import { resetDemo } from "./reset";

let db: TestDatabase;
let pool: pg.Pool;
const manager = demoUsers.find((u) => u.role === "manager")!;
const actor = { id: manager.id, label: `${manager.name} (manager)` };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const count = async (table: string) => Number((await pool.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);

describe("resetDemo", () => {
  test("replaces everything with the demo seed and records who reset it", async () => {
    await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });
    // Something a presenter did since: a run and a changed limit.
    await pool.query(`INSERT INTO "Run" (id, status, policy, scope, total) VALUES (gen_random_uuid(), 'completed', 'rules', '{}', 5)`);
    await pool.query(`UPDATE "ResourceConstraint" SET "limit" = "limit" + 7`);
    const limitsChanged = (await pool.query(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`)).rows;

    const result = await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });

    expect(result.customers).toBe(12);
    expect(await count("Customer")).toBe(12);
    expect(await count("Run")).toBe(0);
    expect(await count("JourneyEvent")).toBe(result.events);
    const limits = (await pool.query(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`)).rows;
    expect(limits.map((r) => r.limit)).toEqual(limitsChanged.map((r) => r.limit - 7));
    const audit = (await pool.query(`SELECT "actorId", "actorLabel", action FROM "AuditLog"`)).rows;
    expect(audit).toEqual([{ actorId: actor.id, actorLabel: actor.label, action: "demo.reset" }]);
  });

  test("keeps the reasons managers keep for reviewers, as it keeps the accounts", async () => {
    await pool.query(`INSERT INTO "ReviewReason" (id, kind, code, label, position, "updatedAt") VALUES (gen_random_uuid(), 'reject', 'store_closed', 'Store closed', 9, now())`);
    const before = (await pool.query(`SELECT kind, code FROM "ReviewReason" ORDER BY kind, code`)).rows;
    expect(before.length).toBeGreaterThan(1);
    await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });
    expect((await pool.query(`SELECT kind, code FROM "ReviewReason" ORDER BY kind, code`)).rows).toEqual(before);
  });

  test("keeps the workers' heartbeats: the workers running now stay counted as alive", async () => {
    await pool.query(`INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "lastSeenAt") VALUES ('host:1:abc', 'host', 1, 2, now() AT TIME ZONE 'UTC')`);
    await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });
    expect((await pool.query(`SELECT id FROM "WorkerHeartbeat"`)).rows).toEqual([{ id: "host:1:abc" }]);
    await pool.query(`DELETE FROM "WorkerHeartbeat"`);
  });

  test("clears every cached customer in this process, so nothing from before the reset is served", async () => {
    await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });
    const agent = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() });
    const id = (await pool.query<{ id: string }>(`SELECT min(id) AS id FROM "Customer"`)).rows[0]!.id;
    await agent.process({ type: "get_customer_data", customerId: id });
    const cached = await agent.process({ type: "get_customer_data", customerId: id });
    expect(cached.ok && cached.type === "get_customer_data" && cached.data.isFromCache).toBe(true);

    await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });

    const fresh = await agent.process({ type: "get_customer_data", customerId: id });
    expect(fresh.ok && fresh.type === "get_customer_data" && fresh.data.isFromCache).toBe(false);
  });

  test.each(["queued", "running"])("refuses while a run is %s and changes nothing", async (status) => {
    await pool.query(`INSERT INTO "Run" (id, status, policy, scope, total) VALUES (gen_random_uuid(), $1::"RunStatus", 'rules', '{}', 5)`, [status]);
    await pool.query(`DELETE FROM "Customer" WHERE id = (SELECT min(id) FROM "Customer")`);
    const before = await count("Customer");
    await expect(resetDemo({ url: db.url, actor, customers: 12, hasHistory: false })).rejects.toThrow(/run is in progress/);
    expect(await count("Customer")).toBe(before);
    expect(await count("Run")).toBe(1);
    await pool.query(`DELETE FROM "Run"`);
  });

  test("refuses while another reset holds the lock", async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock($1)`, [DEMO_RESET_LOCK_KEY]);
      const err = await resetDemo({ url: db.url, actor, customers: 12, hasHistory: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).userMessage).toMatch(/already in progress/);
    } finally {
      await other.end();
    }
  });

  test("refuses while a run is being created (it holds the lock shared) and changes nothing", async () => {
    const creating = new pg.Client({ connectionString: db.url });
    await creating.connect();
    try {
      const before = await count("Customer");
      await creating.query("BEGIN");
      await creating.query(`SELECT pg_advisory_xact_lock_shared($1)`, [DEMO_RESET_LOCK_KEY]);
      const err = await resetDemo({ url: db.url, actor, customers: 3, hasHistory: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).userMessage).toBe("A run is being started; wait for it to end before resetting the demo.");
      expect(await count("Customer")).toBe(before);
      await creating.query("ROLLBACK");
    } finally {
      await creating.end();
    }
  });

  test("no run can be created while a reset reseeds", async () => {
    let createdDuring: unknown = "not tried";
    const reseeding = resetDemo({ url: db.url, actor, customers: 12, hasHistory: false });
    // Try while the reset holds its lock: poll until the lock shows up held exclusively.
    for (let i = 0; i < 500; i++) {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND mode = 'ExclusiveLock' AND granted`,
        [DEMO_RESET_LOCK_KEY],
      );
      if (rows[0]!.n > 0) {
        createdDuring = await createRun(pool, { scope: { limit: 1 }, policy: "rules" }).catch((e: unknown) => e);
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await reseeding;
    expect(createdDuring).toBeInstanceOf(RunRequestError);
    expect((createdDuring as Error).message).toBe("A demo reset is in progress; try again in a moment.");
    expect(await count("Run")).toBe(0);
  });

  test("a reset after a refused one works: the lock is released", async () => {
    const result = await resetDemo({ url: db.url, actor, customers: 5, hasHistory: false });
    expect(result.customers).toBe(5);
    expect(await count("Customer")).toBe(5);
  });

  test("a reset brings weeks of past runs with held-out customers and simulated outcomes, and today's capacity untouched", async () => {
    await resetDemo({ url: db.url, actor, customers: 60, hasHistory: false });
    const limitsBefore = (await pool.query(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`)).rows;
    await resetDemo({ url: db.url, actor, customers: 60 });
    const runs = (await pool.query<{ n: number; oldest: number }>(`SELECT count(*)::int AS n, max(extract(day FROM now() - "createdAt"))::int AS oldest FROM "Run"`)).rows[0]!;
    expect(runs.n).toBeGreaterThan(10);
    expect(runs.oldest).toBeGreaterThanOrEqual(90);
    expect(await count("Outcome")).toBeGreaterThan(0);
    const capacity = (await pool.query(`SELECT key, "limit", used, held FROM "ResourceConstraint" ORDER BY key`)).rows;
    expect(capacity).toEqual(limitsBefore.map((l) => ({ ...l, used: 0, held: 0 })));
    expect(await count("Recommendation")).toBe(60);
  });
});
