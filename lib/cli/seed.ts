// `npm run seed -- --customers N [--seed S]`: replaces the database's contents with a fresh,
// deterministic demo (DATABASE_URL, or the local database under .data/, migrated first).
import { parseSeedArgs, seedUsage } from "../../prisma/seed/args";
import { seedDemo } from "../../prisma/seed/index";
import { databaseRetryFrom, runWithDatabase } from "../database/command";
import { getEnv } from "../env";
import { exitOnBadArgs } from "./args";

const parsed = parseSeedArgs(process.argv.slice(2));
if (!parsed.ok) exitOnBadArgs(parsed, seedUsage);

const log = (m: string) => console.log(`[seed] ${m}`);
// The seed is one transaction: an attempt cut by a database outage changed nothing.
const exitCode = await runWithDatabase({ prefix: "[seed]", log, retry: databaseRetryFrom(getEnv()) }, async (db) => {
  const s = await seedDemo({ url: db.url, ...parsed.args, log });
  const n = (v: number) => v.toLocaleString("en-GB");
  console.log(
    [
      `Seeded ${n(s.customers)} customers in ${(s.durationMs / 1000).toFixed(1)} s (seed ${s.seed}, anchor ${s.anchor.slice(0, 10)}):`,
      `  ${n(s.events)} journey events (${(s.events / s.customers).toFixed(1)} per customer)`,
      `  ${n(s.permissions)} channel permissions, ${n(s.preferences)} contact preferences`,
      `  ${s.treatments} treatments, ${s.resources} capacity limits, ${s.users} demo users`,
    ].join("\n"),
  );
  return 0;
}).catch((err: unknown) => {
  console.error(`[seed] Failed, nothing was changed: ${(err as Error).message}`);
  return 1;
});
process.exit(exitCode);
