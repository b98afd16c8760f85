// Applies pending migrations to the database (DATABASE_URL, or the local one under .data/).
import { openDatabase } from "../database/connection";
import { exitOnBadArgs, parseCommandArgs } from "./args";

const parsed = parseCommandArgs(process.argv.slice(2), {});
if (!parsed.ok) exitOnBadArgs(parsed, "Usage: npm run db:migrate   (no options: applies pending migrations to DATABASE_URL or the local database)");

const db = await openDatabase({ log: console.log });
console.log("Database is up to date.");
await db.release();
