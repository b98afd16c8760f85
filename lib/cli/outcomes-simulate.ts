// `npm run outcomes:simulate -- [--now ISO] [--seed N]`: draws outcomes from the simulator's hidden
// ground truth (lib/simulator/truth.ts, README "Outcome simulator") for every approved or overridden
// decision and every held-out customer whose windows have closed by --now (default: now), into
// DATABASE_URL or the local database. Outcomes reported by a file or an integration are left alone.
import pg from "pg";
import { openDatabase } from "../database/connection";
import { DEFAULT_SIMULATOR_SEED, simulateOutcomes } from "../simulator/simulate";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";
import { requestRefreshesAt } from "../jobs/queue";

const usage = `Usage: npm run outcomes:simulate -- [--now 2026-03-01T00:00:00Z] [--seed N]

Reveals contact and response 2 days after a decision, the 30-day stay after 30 and the 90-day stay
after 90; the same seed always draws the same fate for a decision (default seed ${DEFAULT_SIMULATOR_SEED}).`;

const parsed = parseCommandArgs(process.argv.slice(2), { now: { type: "string" }, seed: { type: "string", default: String(DEFAULT_SIMULATOR_SEED) } });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const now = parsed.values.now === undefined ? new Date() : new Date(parsed.values.now);
if (Number.isNaN(now.getTime())) exitOnBadArgs({ ok: false, error: `--now must be an ISO 8601 date and time; got "${parsed.values.now}".` }, usage);
const seed = wholeNumberArg("--seed", parsed.values.seed, { min: 0, max: 2 ** 32 - 1 });
if (!seed.ok) exitOnBadArgs(seed, usage);

const db = await openDatabase({ log: (m) => console.log(`[simulate] ${m}`) });
const client = new pg.Client({ connectionString: db.url });
let exitCode = 0;
try {
  await client.connect();
  const result = await simulateOutcomes(client, { now, seed: seed.value });
  console.log(`[simulate] ${result.written.toLocaleString("en-GB")} outcomes drawn as of ${now.toISOString()} (seed ${seed.value}); ${result.complete.toLocaleString("en-GB")} of them have their 90-day stay.`);
  await requestRefreshesAt(db.url, ["learnedEffects", "insights"], (m) => console.log(`[simulate] ${m}`));
} catch (err) {
  console.error(`[simulate] Failed, nothing was changed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await client.end().catch(() => {});
  await db.release();
}
process.exit(exitCode);
