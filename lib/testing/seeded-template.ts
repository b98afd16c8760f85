// A file's tests that each need the same seeded rows: the seed runs once into a template database,
// and each test gets its own copy (CREATE DATABASE ... TEMPLATE copies files, far faster than
// seeding again), so every test still starts from exactly the seeded rows and nothing of another.
import pg from "pg";
import { inject } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";

export type SeededTemplate = { clone: () => Promise<TestDatabase>; drop: () => Promise<void> };

/** Seeds a new test database with `seed`, to be cloned per test; `drop()` removes the template. */
export async function createSeededTemplate(seed: (url: string) => Promise<void>): Promise<SeededTemplate> {
  const template = await createTestDatabase();
  await seed(template.url);
  await template.prisma.$disconnect();
  const name = new URL(template.url).pathname.slice(1);
  await waitUntilUnused(name);
  return { clone: () => createTestDatabase({ template: name }), drop: template.drop };
}

/** A template cannot be copied while anyone is connected, and a client that has ended may still be leaving the server. */
async function waitUntilUnused(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("pgServerUrl") });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
      if (rows[0]!.n === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`The seeded template ${name} still has connections after 2 s.`);
  } finally {
    await client.end();
  }
}
