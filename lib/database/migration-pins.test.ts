import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { readMigrationsList } from "./migrate";
import { migrationChecksum, pinMigration, pinProblems, pinsPathOf, readPins, readPinsFile } from "./migration-pins";
import { migrationsDir } from "./paths";

const migration = (name: string, sql: string) => ({ path: name, migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: sql } } });
const pin = (name: string, sql: string) => `${migrationChecksum(sql)}  ${name}/migration.sql`;

describe("migration pins", () => {
  test("every migration of the project is as it was written: none edited, none unpinned, none gone", () => {
    expect(pinProblems(readMigrationsList(migrationsDir), readPinsFile(migrationsDir))).toEqual([]);
  });

  test.each([
    { case: "all agree", files: [["a_init", "CREATE TABLE a ();"]], pins: [pin("a_init", "CREATE TABLE a ();")], problems: [] },
    {
      case: "one edited after it was pinned",
      files: [["a_init", "CREATE TABLE a (x int);"]],
      pins: [pin("a_init", "CREATE TABLE a ();")],
      problems: [/^Migration a_init was edited after it was written: every database that applied it will refuse to start\. Undo the edit and write a new migration/],
    },
    { case: "one written without a pin", files: [["a_init", "CREATE TABLE a ();"], ["b_more", "SELECT 1;"]], pins: [pin("a_init", "CREATE TABLE a ();")], problems: [/^Migration b_more has no pin: .*"[0-9a-f]{64} {2}b_more\/migration\.sql"/] },
    { case: "one pinned but gone", files: [], pins: [pin("a_init", "CREATE TABLE a ();")], problems: [/^Migration a_init is pinned but gone/] },
  ])("$case", ({ files, pins, problems }) => {
    const found = pinProblems({ migrationDirectories: files.map(([name, sql]) => migration(name!, sql!)) }, `${pins.join("\n")}\n`);
    expect(found).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(found[i]).toMatch(p));
  });

  test.each([
    { line: "not a pin", error: /line 2: expected "<sha256>  <migration>\/migration\.sql", got "not a pin"/ },
    { line: `${"a".repeat(64)} b_more/migration.sql`, error: /line 2: expected/ },
    { line: `${"A".repeat(64)}  b_more/migration.sql`, error: /line 2: expected/ },
  ])("a malformed line is refused, naming it: $line", ({ line, error }) => {
    expect(() => readPins(`${pin("a_init", "x")}\n${line}\n`)).toThrow(error);
  });

  test("a migration pinned twice is refused, naming the line", () => {
    expect(() => readPins(`${pin("a_init", "x")}\n${pin("a_init", "y")}\n`)).toThrow("migrations.sha256, line 2: a_init is pinned twice; keep the line that matches its file.");
  });

  test("a pin written after a last line without its newline gets a line of its own", () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "cvm-pins-")), "migrations");
    try {
      writeFileSync(pinsPathOf(dir), pin("a_init", "x"));
      pinMigration(dir, "b_more", "y");
      expect([...readPins(readPinsFile(dir)).entries()]).toEqual([
        ["a_init", migrationChecksum("x")],
        ["b_more", migrationChecksum("y")],
      ]);
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  test("blank lines are allowed", () => {
    expect([...readPins(`\n${pin("a_init", "x")}\n\n`).keys()]).toEqual(["a_init"]);
  });
});
