import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, expect, test } from "vitest";
import { applyMigrations, readMigrationsList } from "./migrate";
import { pinProblems, pinsPathOf, readPinsFile } from "./migration-pins";
import { writeNextMigration } from "./new-migration";
import { migrationsDir, schemaPath } from "./paths";
import { createEmptyDatabase } from "./testing";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function copyOfPrismaFolder() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cvm-migrations-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(migrationsDir, path.join(dir, "migrations"), { recursive: true });
  cpSync(pinsPathOf(migrationsDir), pinsPathOf(path.join(dir, "migrations")));
  cpSync(schemaPath, path.join(dir, "schema.prisma"));
  return { schema: path.join(dir, "schema.prisma"), migrations: path.join(dir, "migrations") };
}

test("an unchanged schema writes no migration", async () => {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  const copy = copyOfPrismaFolder();
  const result = await writeNextMigration({ url: db.url, name: "nothing", schemaPath: copy.schema, migrationsDir: copy.migrations });
  expect(result.status).toBe("unchanged");
});

test("a new column in schema.prisma becomes a migration that the next migrate applies", async () => {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  const copy = copyOfPrismaFolder();
  await applyMigrations(db.url, copy.migrations);

  const schema = readFileSync(copy.schema, "utf8").replace("model Customer {\n", "model Customer {\n  nickname String?\n");
  writeFileSync(copy.schema, schema);
  const result = await writeNextMigration({ url: db.url, name: "add_nickname", schemaPath: copy.schema, migrationsDir: copy.migrations, now: new Date("2099-01-01T00:00:00Z") });

  expect(result.status).toBe("written");
  expect(readdirSync(copy.migrations)).toContain("20990101000000_add_nickname");
  // Pinned as written, beside the earlier ones.
  expect(readPinsFile(copy.migrations)).toMatch(/\n[0-9a-f]{64} {2}20990101000000_add_nickname\/migration\.sql\n$/);
  expect(pinProblems(readMigrationsList(copy.migrations), readPinsFile(copy.migrations))).toEqual([]);
  expect(await applyMigrations(db.url, copy.migrations)).toEqual(["20990101000000_add_nickname"]);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const cols = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Customer' AND column_name = 'nickname'`);
  await c.end();
  expect(cols.rowCount).toBe(1);
});

test("an applied migration whose file was edited afterwards is refused", async () => {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  const copy = copyOfPrismaFolder();
  await applyMigrations(db.url, copy.migrations);
  const first = readdirSync(copy.migrations).find((d) => d.endsWith("_init"))!;
  const file = path.join(copy.migrations, first, "migration.sql");
  writeFileSync(file, readFileSync(file, "utf8") + "\n-- edited\n");
  await expect(applyMigrations(db.url, copy.migrations)).rejects.toThrow(/was edited after it was applied/);
});

test("a failing migration leaves nothing behind", async () => {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  const copy = copyOfPrismaFolder();
  await applyMigrations(db.url, copy.migrations);
  const bad = path.join(copy.migrations, "20990101000000_broken");
  cpSync(path.join(copy.migrations, readdirSync(copy.migrations).find((d) => d.endsWith("_init"))!), bad, { recursive: true });
  writeFileSync(path.join(bad, "migration.sql"), `CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";\n`);
  await expect(applyMigrations(db.url, copy.migrations)).rejects.toThrow(/20990101000000_broken failed and was rolled back/);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const half = await c.query(`SELECT to_regclass('"Half"') AS t`);
  const rows = await c.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20990101000000_broken'`);
  await c.end();
  expect(half.rows[0].t).toBeNull();
  expect(rows.rowCount).toBe(0);
});
