import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { demoUsers } from "../../prisma/seed/index";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { AppError } from "../errors";
import { createDataAgent } from "../agents/data/data-agent";
import { createPgCustomerSource } from "../pipeline/customer-source";
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
    await resetDemo({ url: db.url, actor, customers: 12 });
    // Something a presenter did since: a run and a changed limit.
    await pool.query(`INSERT INTO "Run" (id, status, policy, scope, total) VALUES (gen_random_uuid(), 'completed', 'rules', '{}', 5)`);
    await pool.query(`UPDATE "ResourceConstraint" SET "limit" = "limit" + 7`);
    const limitsChanged = (await pool.query(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`)).rows;

    const result = await resetDemo({ url: db.url, actor, customers: 12 });

    expect(result.customers).toBe(12);
    expect(await count("Customer")).toBe(12);
    expect(await count("Run")).toBe(0);
    expect(await count("JourneyEvent")).toBe(result.events);
    const limits = (await pool.query(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`)).rows;
    expect(limits.map((r) => r.limit)).toEqual(limitsChanged.map((r) => r.limit - 7));
    const audit = (await pool.query(`SELECT "actorId", "actorLabel", action FROM "AuditLog"`)).rows;
    expect(audit).toEqual([{ actorId: actor.id, actorLabel: actor.label, action: "demo.reset" }]);
  });

  test("clears every cached customer in this process, so nothing from before the reset is served", async () => {
    await resetDemo({ url: db.url, actor, customers: 12 });
    const agent = createDataAgent({ source: createPgCustomerSource(pool) });
    const id = (await pool.query<{ id: string }>(`SELECT min(id) AS id FROM "Customer"`)).rows[0]!.id;
    await agent.process({ type: "get_customer_data", customerId: id });
    const cached = await agent.process({ type: "get_customer_data", customerId: id });
    expect(cached.ok && cached.type === "get_customer_data" && cached.data.isFromCache).toBe(true);

    await resetDemo({ url: db.url, actor, customers: 12 });

    const fresh = await agent.process({ type: "get_customer_data", customerId: id });
    expect(fresh.ok && fresh.type === "get_customer_data" && fresh.data.isFromCache).toBe(false);
  });

  test.each(["queued", "running"])("refuses while a run is %s and changes nothing", async (status) => {
    await pool.query(`INSERT INTO "Run" (id, status, policy, scope, total) VALUES (gen_random_uuid(), $1::"RunStatus", 'rules', '{}', 5)`, [status]);
    await pool.query(`DELETE FROM "Customer" WHERE id = (SELECT min(id) FROM "Customer")`);
    const before = await count("Customer");
    await expect(resetDemo({ url: db.url, actor, customers: 12 })).rejects.toThrow(/run is in progress/);
    expect(await count("Customer")).toBe(before);
    expect(await count("Run")).toBe(1);
    await pool.query(`DELETE FROM "Run"`);
  });

  test("refuses while another reset holds the lock", async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(7204311)`);
      const err = await resetDemo({ url: db.url, actor, customers: 12 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).userMessage).toMatch(/already in progress/);
    } finally {
      await other.end();
    }
  });

  test("a reset after a refused one works: the lock is released", async () => {
    const result = await resetDemo({ url: db.url, actor, customers: 5 });
    expect(result.customers).toBe(5);
    expect(await count("Customer")).toBe(5);
  });
});
