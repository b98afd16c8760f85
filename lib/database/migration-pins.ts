// The checksum of every migration as it was written, kept beside the migrations in
// `prisma/migrations.sha256` (the layout of `sha256sum`, so `cd prisma/migrations && sha256sum -c
// ../migrations.sha256` checks it too). A database refuses to start on a migration edited after it
// applied it (applyMigrations); the pins let the tests find such an edit before any database does.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import type { MigrationsList } from "./migrate";

/** The checksum a database records for an applied migration (Prisma Migrate's: SHA-256 of its SQL). */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Where the pins of the migrations in `migrationsDir` are kept: a file beside the folder. */
export const pinsPathOf = (migrationsDir: string) => `${migrationsDir}.sha256`;

const pinLine = (name: string, sql: string) => `${migrationChecksum(sql)}  ${name}/migration.sql\n`;

/** Records a migration just written. */
export function pinMigration(migrationsDir: string, name: string, sql: string): void {
  const text = readPinsFile(migrationsDir);
  // A file edited by hand may have lost its last newline: the new pin still gets a line of its own.
  appendFileSync(pinsPathOf(migrationsDir), `${text === "" || text.endsWith("\n") ? "" : "\n"}${pinLine(name, sql)}`);
}

/** The pinned checksum of each migration, by name. Throws on a line not in the file's layout. */
export function readPins(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const m = /^([0-9a-f]{64}) {2}([^/\s]+)\/migration\.sql$/.exec(line);
    if (!m) throw new Error(`migrations.sha256, line ${i + 1}: expected "<sha256>  <migration>/migration.sql", got "${line}".`);
    if (pins.has(m[2]!)) throw new Error(`migrations.sha256, line ${i + 1}: ${m[2]} is pinned twice; keep the line that matches its file.`);
    pins.set(m[2]!, m[1]!);
  }
  return pins;
}

/**
 * What is wrong between the migrations in `list` and their pins: one sentence per migration edited
 * since it was pinned, written without a pin, or pinned but gone. None when they agree.
 */
export function pinProblems(list: Pick<MigrationsList, "migrationDirectories">, pinsText: string): string[] {
  const pins = readPins(pinsText);
  const problems: string[] = [];
  const names = new Set<string>();
  for (const m of list.migrationDirectories) {
    names.add(m.path);
    const sql = m.migrationFile.content.value;
    const pinned = pins.get(m.path);
    if (pinned === undefined) problems.push(`Migration ${m.path} has no pin: write migrations with npm run migration:new, which pins them, or add the line "${pinLine(m.path, sql).trim()}".`);
    else if (pinned !== migrationChecksum(sql))
      problems.push(
        `Migration ${m.path} was edited after it was written: every database that applied it will refuse to start. Undo the edit and write a new migration (npm run migration:new); only if it was never applied anywhere, pin the new text: "${pinLine(m.path, sql).trim()}".`,
      );
  }
  for (const name of pins.keys()) if (!names.has(name)) problems.push(`Migration ${name} is pinned but gone: a database that applied it has tables no migration here makes. Restore it.`);
  return problems;
}

/** The pins file's text for the migrations in `migrationsDir` (empty when there is none). */
export const readPinsFile = (migrationsDir: string) => (existsSync(pinsPathOf(migrationsDir)) ? readFileSync(pinsPathOf(migrationsDir), "utf8") : "");
