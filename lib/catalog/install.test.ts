// Installing the default catalog after migrations: once, into an empty catalog only, in one transaction.
import pg from "pg";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { installDefaultCatalog } from "./defaults";

let db: TestDatabase;
let pool: pg.Pool;
beforeEach(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
});
afterEach(async () => {
  await pool.end();
  await db.drop();
});

async function install(): Promise<boolean> {
  const client = await pool.connect();
  try {
    return await installDefaultCatalog(client);
  } finally {
    client.release();
  }
}

const count = async (table: string) => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]!.n;
const limitOf = async (key: string) => (await pool.query<{ limit: number }>(`SELECT "limit" FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0]?.limit;

test("installs 12 treatments and 11 capacities sized for 10,000 customers into an empty catalog", async () => {
  expect(await install()).toBe(true);
  expect({ treatments: await count("Treatment"), resources: await count("ResourceConstraint") }).toEqual({ treatments: 12, resources: 11 });
  expect(await limitOf("retention_call_slots")).toBe(40);
});

test.each([
  {
    title: "keeps a catalog of the database's own, adding none of the defaults",
    before: async () => {
      await pool.query(`INSERT INTO "ResourceConstraint" (key, name, "limit", "updatedAt") VALUES ('own_calls', 'Own calls', 7, now())`);
      await pool.query(
        `INSERT INTO "Treatment" (key, name, description, channel, "costPerContact", goal, priority, "resourceKey", "updatedAt")
         VALUES ('own_call', 'Own call', 'A call', 'call', 9, 'retention', 1, 'own_calls', now())`,
      );
    },
    treatments: 1,
    resources: 1,
  },
  {
    title: "keeps limits a manager changed after the first install",
    before: async () => {
      await install();
      await pool.query(`UPDATE "ResourceConstraint" SET "limit" = 3, "reservedHighValue" = 0 WHERE key = 'retention_call_slots'`);
    },
    treatments: 12,
    resources: 11,
  },
])("$title", async ({ before, treatments, resources }) => {
  await before();
  const calls = await limitOf("retention_call_slots");
  expect(await install()).toBe(false);
  expect({ treatments: await count("Treatment"), resources: await count("ResourceConstraint") }).toEqual({ treatments, resources });
  expect(await limitOf("retention_call_slots")).toBe(calls);
});

test("installs once when three commands migrate the same database at once", async () => {
  const installed = await Promise.all([install(), install(), install()]);
  expect(installed.filter(Boolean)).toHaveLength(1);
  expect(await count("Treatment")).toBe(12);
});
