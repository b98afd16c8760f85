// Writes the next migration from the change to prisma/schema.prisma since the last migration.
// Usage: npm run migration:new -- <snake_name>
import path from "node:path";
import { connectDatabase } from "../database/connection";
import { writeNextMigration } from "../database/new-migration";
import { migrationsDir, schemaPath } from "../database/paths";
import { exitOnBadArgs, parseCommandArgs } from "./args";

const usage = "Usage: npm run migration:new -- NAME   (a snake_case name, e.g. add_customer_email)";
const parsed = parseCommandArgs(process.argv.slice(2), {}, { maxPositionals: 1 });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const name = parsed.positionals[0] ?? "";
if (!/^[a-z][a-z0-9_]{0,60}$/.test(name)) exitOnBadArgs({ ok: false, error: "Give the migration a snake_case name, e.g. npm run migration:new -- add_customer_email" }, usage);
const db = await connectDatabase();
try {
  const result = await writeNextMigration({ url: db.url, name, schemaPath, migrationsDir });
  console.log(
    result.status === "written"
      ? `Wrote ${path.relative(process.cwd(), result.dir)}/migration.sql. The next start (or any command) applies it.`
      : "schema.prisma has not changed since the last migration: nothing to write.",
  );
} finally {
  await db.release();
}
