// The app's Prisma client and its direct queries share the process's one pool: the database sees
// no connection that pool does not count, and an idle connection the server cuts is replaced.
import pg from "pg";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type TestDatabase, createTestDatabase } from "./database/testing";

let testDb: TestDatabase;
let observer: pg.Client;
let app: { db: typeof import("./db").db; pool: pg.Pool };
let max: number;

beforeAll(async () => {
  testDb = await createTestDatabase();
  process.env.DATABASE_URL = testDb.url;
  const [{ db }, { getPool, APP_POOL_MAX }] = await Promise.all([import("./db"), import("./pool")]);
  app = { db, pool: getPool() };
  max = APP_POOL_MAX;
  observer = new pg.Client({ connectionString: testDb.url });
  await observer.connect();
});
afterAll(async () => {
  await observer.end();
  await app.db.$disconnect();
  await app.pool.end();
  await testDb.drop();
});

/** Connections to the test database other than the observer's own. */
async function databaseConnections(): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  return rows[0]!.n;
}

const sleepViaPrisma = () => app.db.$queryRaw`SELECT 1 FROM pg_sleep(0.1)`;
const sleepViaPool = () => app.pool.query(`SELECT pg_sleep(0.1)`);

test.each([
  { load: "one Prisma query", queries: () => [sleepViaPrisma], connections: () => 1 },
  { load: "more Prisma queries at once than the pool holds", queries: () => Array.from({ length: max + 2 }, () => sleepViaPrisma), connections: () => max },
  { load: "as many Prisma and direct queries at once", queries: () => Array.from({ length: max + 2 }, () => [sleepViaPrisma, sleepViaPool]).flat(), connections: () => max },
])("after $load the database sees only the app pool's connections", async ({ queries, connections }) => {
  await Promise.all(queries().map((q) => q()));
  expect(app.pool.totalCount).toBe(connections());
  expect(await databaseConnections()).toBe(app.pool.totalCount);
});

test("an idle connection the server cuts is logged and replaced; Prisma and direct queries carry on", async () => {
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  await sleepViaPrisma();
  const cut = app.pool.totalCount;
  expect(cut).toBeGreaterThan(0);
  await observer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  await vi.waitFor(() => expect(app.pool.totalCount).toBe(0));
  expect(logged).toHaveBeenCalledTimes(cut);
  logged.mockRestore();
  expect(await app.db.$queryRaw<{ n: number }[]>`SELECT 1::int AS n`).toEqual([{ n: 1 }]);
  expect((await app.pool.query<{ n: number }>(`SELECT 1::int AS n`)).rows).toEqual([{ n: 1 }]);
  expect(await databaseConnections()).toBe(app.pool.totalCount);
});

test("a transaction whose connection the server cuts fails with a connection error, without ending the process", async () => {
  const { withTransaction } = await import("./database/transaction");
  const { isConnectionError } = await import("./database/outage");
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const busy = withTransaction(app.pool, (c) => c.query("SELECT pg_sleep(30)")).catch((e: unknown) => e);
  await vi.waitFor(async () => {
    const { rows } = await observer.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(30)%'`);
    expect(rows[0]!.n).toBe(1);
  });
  await observer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  expect(isConnectionError(await busy)).toBe(true);
  logged.mockRestore();
  expect((await app.pool.query<{ n: number }>(`SELECT 1::int AS n`)).rows).toEqual([{ n: 1 }]);
});
