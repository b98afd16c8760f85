import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { extraCheckConstraints, extraIndexes, extraTriggers } from "./extra-constraints";
import { diffDatamodels } from "./diff";
import { applyMigrations } from "./migrate";
import { schemaPath } from "./paths";
import { createEmptyDatabase } from "./testing";

type Db = { url: string; drop: () => Promise<void> };

// What Prisma's datamodel decides: columns with types, nullability and defaults; indexes; foreign keys; enums.
async function catalog(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const columns = await c.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        ORDER BY table_name, column_name`,
    );
    const indexes = await c.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    );
    const foreignKeys = await c.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype IN ('f', 'p', 'u') AND connamespace = 'public'::regnamespace
         AND conname <> '_prisma_migrations_pkey' ORDER BY conname`,
    );
    const enums = await c.query(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
    );
    const checks = await c.query(`SELECT conname FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`);
    const triggers = await c.query(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`);
    const handWritten = new Set<string>(extraIndexes);
    return {
      prismaModel: { columns: columns.rows, indexes: indexes.rows.filter((r) => !handWritten.has(r.indexname)), foreignKeys: foreignKeys.rows, enums: enums.rows },
      checks: checks.rows.map((r) => r.conname as string),
      triggers: triggers.rows.map((r) => r.tgname as string),
      handWrittenIndexes: indexes.rows.filter((r) => handWritten.has(r.indexname)).map((r) => r.indexname as string),
    };
  } finally {
    await c.end();
  }
}

describe("migrations", () => {
  let fromMigrations: Db;
  let fromSchema: Db;

  beforeAll(async () => {
    fromMigrations = await createEmptyDatabase();
    fromSchema = await createEmptyDatabase();
  });
  afterAll(async () => {
    await fromMigrations.drop();
    await fromSchema.drop();
  });

  test("applying every migration to an empty database yields exactly schema.prisma (no drift)", async () => {
    const applied = await applyMigrations(fromMigrations.url);
    expect(applied.length).toBeGreaterThan(0);

    const sql = await diffDatamodels({ url: fromSchema.url, from: null, to: readFileSync(schemaPath, "utf8") });
    const c = new pg.Client({ connectionString: fromSchema.url });
    await c.connect();
    await c.query(sql ?? "");
    await c.end();

    const migrated = await catalog(fromMigrations.url);
    const expected = await catalog(fromSchema.url);
    expect(migrated.prismaModel).toEqual(expected.prismaModel);
  });

  test("the hand-written rules exist after migrating", async () => {
    const migrated = await catalog(fromMigrations.url);
    expect(migrated.checks).toEqual(expect.arrayContaining([...extraCheckConstraints]));
    expect(migrated.triggers).toEqual(expect.arrayContaining([...extraTriggers]));
    expect(migrated.handWrittenIndexes.sort()).toEqual([...extraIndexes].sort());
  });

  test("the comparison notices a column the schema does not have", async () => {
    const drifted = await createEmptyDatabase();
    try {
      await applyMigrations(drifted.url);
      const c = new pg.Client({ connectionString: drifted.url });
      await c.connect();
      await c.query(`ALTER TABLE "Customer" ADD COLUMN "nickname" text`);
      await c.end();
      expect((await catalog(drifted.url)).prismaModel).not.toEqual((await catalog(fromMigrations.url)).prismaModel);
    } finally {
      await drifted.drop();
    }
  });

  test("applying again is a no-op", async () => {
    expect(await applyMigrations(fromMigrations.url)).toEqual([]);
  });
});
