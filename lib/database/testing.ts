// Test helpers: a fresh, migrated database per call on the test run's real PostgreSQL.
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import type { PrismaClient } from "../generated/prisma/client";
import { createPrismaClient } from "./client";
import { applyMigrations } from "./migrate";
import { migrationsDir } from "./paths";

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

/**
 * An empty database per test file with the migrations up to the one before `migration`, as a
 * database that ran them would have them. `withEarlierSchema` applies them and lends a client, so
 * a test can stage rows the way older code wrote them, then apply the rest (`applyMigrations(url)`).
 */
export function databaseBeforeMigration(migration: string): { readonly url: string; withEarlierSchema: (stage: (c: pg.Client) => Promise<void>) => Promise<void> } {
  const earlier = mkdtempSync(path.join(tmpdir(), "migrations-"));
  for (const entry of readdirSync(migrationsDir)) {
    if (entry >= migration && /^\d{14}_/.test(entry)) continue;
    cpSync(path.join(migrationsDir, entry), path.join(earlier, entry), { recursive: true });
  }
  let db: { url: string; drop: () => Promise<void> } | null = null;
  beforeAll(async () => {
    db = await createEmptyDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(earlier, { recursive: true, force: true });
  });
  const url = () => {
    if (!db) throw new Error("databaseBeforeMigration: the database exists once the file's tests start");
    return db.url;
  };
  return {
    get url() {
      return url();
    },
    withEarlierSchema: async (stage) => {
      await applyMigrations(url(), earlier);
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await stage(c);
      } finally {
        await c.end();
      }
    },
  };
}
