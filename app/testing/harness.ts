// Shared set-up of the tests that call every server action directly: one database with a catalog,
// customers, the demo users and pending recommendations, and a fingerprint of everything stored,
// so a refused call can be shown to have changed nothing.
import pg from "pg";
import { demoUsers } from "@/lib/auth/demo-users";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";
import { WORKER_HEARTBEAT_TABLE } from "@/lib/jobs/heartbeat";
import { createRun, executeRun } from "@/lib/pipeline/runs";
import { insertCatalog, insertCustomers, insertPermissions } from "@/lib/pipeline/testing/fixtures";

export type Harness = { db: TestDatabase; pool: pg.Pool; customerIds: string[] };

/** A database with the test catalog, `customers` customers decided once (pending review) and the four demo users. */
export async function createHarness(opts: { customers: number }): Promise<Harness> {
  const db = await createTestDatabase();
  await insertCatalog(db.url, { limits: { call_slots: 1000 } });
  const customerIds = await insertCustomers(db.url, { count: opts.customers, highValueEvery: 4 });
  await insertPermissions(db.url, customerIds);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  for (const u of demoUsers) {
    await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, u.email, u.name, u.role]);
  }
  const run = await createRun(pool, { scope: { customerIds }, policy: "rules" });
  await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
  return { db, pool, customerIds };
}

/**
 * One digest per table of everything it holds; equal fingerprints mean nothing was written. The
 * workers' heartbeats are left out: a worker running beside the test renews them every few seconds.
 */
export async function fingerprint(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> ALL($1::text[]) ORDER BY tablename`,
    [["_prisma_migrations", WORKER_HEARTBEAT_TABLE]],
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ digest: string | null; n: string }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS n FROM "${name}" t`);
    out[name] = `${rows[0]?.n}:${rows[0]?.digest ?? ""}`;
  }
  return out;
}

export async function auditCount(pool: pg.Pool): Promise<number> {
  return Number((await pool.query(`SELECT count(*) AS n FROM "AuditLog"`)).rows[0].n);
}

/** Pending recommendations not yet used by a test, by customer id, of a call or an SMS (so an email is a valid override). */
export async function takePending(pool: pg.Pool, used: Set<string>, n: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM "Recommendation" WHERE status = 'pending_review' AND "treatmentKey" IN ('retention_call', 'retention_sms') ORDER BY "customerId"`,
  );
  const free = rows.map((r) => r.id).filter((id) => !used.has(id)).slice(0, n);
  if (free.length < n) throw new Error(`Only ${free.length} pending recommendations are left; the test needs ${n}.`);
  for (const id of free) used.add(id);
  return free;
}
