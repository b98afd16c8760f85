// `npm run worker [-- --concurrency N]`: one worker process. It takes runs' jobs from the queue in
// the app's PostgreSQL (DATABASE_URL, or the project's own under .data/) until stopped; start as
// many as the machines allow, anywhere that reaches the database. SIGTERM or Ctrl-C stops it after
// its current jobs; a worker killed outright loses nothing: its jobs expire and another takes them.
import { createRequire } from "node:module";
import pg from "pg";
import { databaseRetryFrom } from "../database/command";
import { openDatabase } from "../database/connection";
import { databaseFailureMessage, withDatabaseRetry } from "../database/outage";
import { getEnv } from "../env";
import { startWorker } from "../jobs/worker";
import { QUEUE_STOP_TIMEOUT_MS } from "../jobs/queue";
import { chatModelFromEnv } from "../llm/select-model";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

const usage = "Usage: npm run worker [-- --concurrency N] [--maintenance-seconds S]";
const parsed = parseCommandArgs(process.argv.slice(2), {
  concurrency: { type: "string", default: "2" },
  /** How often this worker looks for jobs whose worker died (expired), among other upkeep. */
  "maintenance-seconds": { type: "string", default: "5" },
});
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const concurrency = wholeNumberArg("--concurrency", parsed.values.concurrency, { min: 1, max: 64 });
if (!concurrency.ok) exitOnBadArgs(concurrency, usage);
const maintenance = wholeNumberArg("--maintenance-seconds", parsed.values["maintenance-seconds"], { min: 1, max: 3600 });
if (!maintenance.ok) exitOnBadArgs(maintenance, usage);

const env = getEnv();
const log = (m: string) => console.log(`[worker ${process.pid}] ${m}`);
// A worker started while the database is down (both started at once, or a restart) waits for it.
const startRetry = databaseRetryFrom(env);
const db = await withDatabaseRetry(() => openDatabase({ log }), {
  ...startRetry,
  onRetry: ({ error, delayMs }) => log(`${databaseFailureMessage(error, env.DATABASE_URL)} Trying again in ${(delayMs / 1000).toFixed(1)} s.`),
}).catch((err: unknown) => {
  const message = databaseFailureMessage(err, env.DATABASE_URL);
  if (message === null) throw err;
  console.error(`[worker ${process.pid}] ${message} Start the worker again once the database answers.`);
  process.exit(1);
});
const model = chatModelFromEnv(env);
// Two connections per chunk at a time, for each kind of run it takes, and a few for the queue itself.
const pool = new pg.Pool({ connectionString: db.url, max: concurrency.value * (model ? 4 : 2) + 4 });
// An idle connection cut by the server is replaced on the next query; unheard, its error would stop the worker.
pool.on("error", (err) => log(`an idle database connection failed; it will be replaced (${err.message})`));
const worker = await startWorker({
  pool,
  model,
  concurrency: concurrency.value,
  expireInSeconds: env.RUN_JOB_EXPIRE_SECONDS,
  allocationStrategy: env.ALLOCATION_STRATEGY,
  maintenanceIntervalSeconds: maintenance.value,
  databaseRetry: databaseRetryFrom({ ...env, DATABASE_URL: db.url }),
  log,
});
log(
  model
    ? `Working runs' jobs, ${concurrency.value} chunk(s) of deterministic runs and ${concurrency.value} of language-model runs at a time.`
    : `Working runs' jobs, ${concurrency.value} chunk(s) at a time, deterministic runs only (no OPENAI_API_KEY).`,
);

/** The queue's own stop (the jobs in hand and their completions), and a little more. */
const STOP_TIMEOUT_MS = QUEUE_STOP_TIMEOUT_MS + 2_000;
let isStopping = false;
async function stop() {
  if (isStopping) return;
  isStopping = true;
  log("Stopping after the current jobs...");
  // The queue's last statements wait for a database that is down; a stop does not wait for ever:
  // jobs left active expire and are retried by another worker.
  const stopped = worker.stop().catch((err: unknown) => log(`stopping the queue failed: ${(err as Error).message}`));
  const gaveUp = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS).unref());
  if ((await Promise.race([stopped, gaveUp])) === "timeout") {
    log(`The queue did not stop within ${STOP_TIMEOUT_MS / 1000} s (is the database down?); exiting, and the jobs in hand will be retried by another worker.`);
    process.exit(1);
  }
  await pool.end();
  await db.release();
  log("Stopped.");
}
// The database module's exit hook ends the process at once on SIGINT or SIGTERM, so the stop is a
// hook of the same kind, which the process waits for before it exits.
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { (hook: (done: () => void) => void): void; forceExitTimeout(ms: number): void };
exitHook.forceExitTimeout(STOP_TIMEOUT_MS + 1_000);
exitHook((done) => void stop().finally(done));
