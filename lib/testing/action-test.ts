// What every server-action test file sets up the same way: a database of its own on the test run's
// PostgreSQL, the demo users in it (actions audit the acting user's id, which the audit log
// references), and the actions module loaded only once DATABASE_URL names that database, since the
// app reads its settings on first use. The files keep their own vi.mock lines, which vitest hoists
// per file, and their own acting user, which those mocks read.
import pg from "pg";
import { demoUsers } from "../auth/demo-users";
import { type TestDatabase, createTestDatabase } from "../database/testing";

export type ActionTest<Actions> = {
  db: TestDatabase;
  /** A pool of the test's own, to arrange rows and read what the actions wrote. */
  pool: pg.Pool;
  actions: Actions;
  /** Ends the app's pool and the test's, then drops the database. */
  close: () => Promise<void>;
};

/**
 * A new database with the demo users and whatever `seed` writes (before the actions load), and
 * the actions loaded against it: `load` is the file's own `() => import("./actions")`, so the
 * import stays after the file's mocks.
 */
export async function openActionTest<Actions>(opts: { load: () => Promise<Actions>; seed?: (db: { url: string; pool: pg.Pool }) => Promise<void> }): Promise<ActionTest<Actions>> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url });
  for (const u of demoUsers) {
    await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, u.email, u.name, u.role]);
  }
  await opts.seed?.({ url: db.url, pool });
  process.env.DATABASE_URL = db.url;
  const actions = await opts.load();
  const close = async () => {
    // The actions opened the app's own pool (lib/pool) on this database; it must go before the drop.
    const app = globalThis as { cvmPool?: pg.Pool };
    await app.cvmPool?.end();
    delete app.cvmPool;
    await pool.end();
    await db.drop();
  };
  return { db, pool, actions, close };
}
