// Applies pending migrations to the database (DATABASE_URL, or the local one under .data/).
import { openDatabase } from "../database/connection";

const db = await openDatabase({ log: console.log });
console.log("Database is up to date.");
await db.release();
