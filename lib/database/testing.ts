// Test helpers: a fresh, migrated database per call on the test run's real PostgreSQL.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, beforeEach, inject } from "vitest";
import type { PrismaClient } from "../generated/prisma/client";
import { createPrismaClient } from "./client";

export type TestDatabase = { url: string; prisma: PrismaClient; drop: () => Promise<void> };

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject("pgServerUrl") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database once its connections have gone: a pool that was just ended has told its
 * connections to close, but one still closing would otherwise be cut by the FORCE, and its client
 * would report that as an unhandled error. A connection still open after half a second is cut.
 */
async function dropDatabase(name: string): Promise<void> {
  await admin(async (c) => {
    for (let i = 0; i < 10; i++) {
      const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** Clones the migrated template (or `template`, a seeded test database nobody is connected to) into a new database; `drop()` removes it. */
export async function createTestDatabase(opts: { template?: string } = {}): Promise<TestDatabase> {
  const name = `cvm_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${opts.template ?? "cvm_template"}"`));
  const url = inject("pgServerUrl").replace(/\/postgres$/, `/${name}`);
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await dropDatabase(name);
    },
  };
}

/** An empty database with no migrations applied, for tests of the migrations themselves. */
export async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cvm_empty_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: inject("pgServerUrl").replace(/\/postgres$/, `/${name}`),
    drop: () => dropDatabase(name),
  };
}

/** A fresh database, and a pool of `max` connections on it, for each test of the enclosing suite. */
export function usePoolPerTest(opts: { max?: number } = {}): { readonly db: TestDatabase; readonly pool: pg.Pool } {
  let current: { db: TestDatabase; pool: pg.Pool } | null = null;
  beforeEach(async () => {
    const db = await createTestDatabase();
    current = { db, pool: new pg.Pool({ connectionString: db.url, max: opts.max ?? 10 }) };
  });
  afterEach(async () => {
    await current?.pool.end();
    await current?.db.drop();
    current = null;
  });
  const get = () => {
    if (!current) throw new Error("usePoolPerTest: only inside a test");
    return current;
  };
  return {
    get db() {
      return get().db;
    },
    get pool() {
      return get().pool;
    },
  };
}
