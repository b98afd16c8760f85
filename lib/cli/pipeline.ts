// Runs the agent pipeline from the command line.
// Usage: npm run pipeline -- [--limit N] [--segment S] [--tier low|medium|high|premium] [--pattern KEY] [--min-risk 0..1] [--segment-id ID] [--customer ID ...] [--policy auto|rules|llm] [--concurrency C] [--detach]
import pg from "pg";
import { databaseRetryFrom } from "../database/command";
import { openDatabase } from "../database/connection";
import { type DatabaseRetryOptions, databaseFailureMessage, withDatabaseRetry } from "../database/outage";
import { getEnv } from "../env";
import { describeModelBreaker } from "../llm/circuit-breaker";
import { chatModelFromEnv } from "../llm/select-model";
import type { RunSummary } from "../agents/orchestrator/messages";
import { standByToWork } from "../jobs/standby";
import { startWorker } from "../jobs/worker";
import { enqueueRun, waitForRun } from "../pipeline/launch";
import { type PolicyChoice, RunRequestError, resolvePolicy, runScopeSchema } from "../pipeline/runs";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const usage = `Usage: npm run pipeline -- [--limit N] [--segment S] [--tier low|medium|high|premium] [--pattern KEY]
  [--min-risk 0..1] [--segment-id ID] [--customer ID ...] [--policy auto|rules|llm] [--concurrency C] [--detach]`;
const parsed = parseCommandArgs(process.argv.slice(2), {
  limit: { type: "string" },
  segment: { type: "string" },
  tier: { type: "string" },
  pattern: { type: "string" },
  "min-risk": { type: "string" },
  "segment-id": { type: "string" },
  customer: { type: "string", multiple: true },
  policy: { type: "string", default: "auto" },
  /** Chunks this command's own worker (started when no worker is alive) decides at once. */
  concurrency: { type: "string", default: "2" },
  detach: { type: "boolean", default: false },
});
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const { values } = parsed;

// Text that is not a number at all is refused here; the scope's rules judge the numbers.
const limit = values.limit === undefined ? undefined : /^\d+$/.test(values.limit) ? Number(values.limit) : fail(`--limit must be a whole number; got "${values.limit}".`);
const minRiskText = values["min-risk"];
const minRisk = minRiskText === undefined ? undefined : /^\d*\.?\d+$/.test(minRiskText) ? Number(minRiskText) : fail(`--min-risk must be a number from 0 to 1; got "${minRiskText}".`);
const scope = runScopeSchema.safeParse({ limit, segment: values.segment, valueTier: values.tier, pattern: values.pattern, minRisk, segmentId: values["segment-id"], customerIds: values.customer });
// Errors name the flag that was typed, not the scope's field behind it.
const flagOf: Record<string, string> = { minRisk: "min-risk", segmentId: "segment-id", valueTier: "tier", customerIds: "customer" };
if (!scope.success) fail(`Invalid selection: ${scope.error.issues.map((i) => `--${flagOf[String(i.path[0])] ?? i.path.join(".")}: ${i.message}`).join("; ")}`);
if (!["auto", "rules", "llm"].includes(values.policy)) fail("--policy is one of auto, rules, llm");
const concurrencyArg = wholeNumberArg("--concurrency", values.concurrency, { min: 1, max: 64 });
if (!concurrencyArg.ok) fail(concurrencyArg.error);

// The database not answering yet (a restart under way) is waited for, then said in one sentence.
const startEnv = getEnv();
const db = await withDatabaseRetry(() => openDatabase(), {
  ...databaseRetryFrom(startEnv),
  onRetry: ({ error, delayMs }) => console.error(`[pipeline] ${databaseFailureMessage(error, startEnv.DATABASE_URL)} Trying again in ${(delayMs / 1000).toFixed(1)} s.`),
}).catch((err: unknown) => {
  const message = databaseFailureMessage(err, startEnv.DATABASE_URL);
  if (message === null) throw err;
  console.error(`[pipeline] ${message} Nothing was started.`);
  process.exit(1);
});
const pool = new pg.Pool({ connectionString: db.url, max: 8 });
pool.on("error", (err) => console.error(`[pipeline] an idle database connection failed; it will be replaced (${err.message})`));
try {
  const env = getEnv();
  const model = chatModelFromEnv(env);
  const policy = resolvePolicy(values.policy as PolicyChoice, model);
  const { runId, customerIds, isModelNeeded } = await enqueueRun(pool, { scope: scope.data, policy, options: { controlGroupShare: env.CONTROL_GROUP_SHARE } });
  if (values.detach) {
    // One line on standard output, for scripts; the run goes on in the workers.
    console.log(JSON.stringify({ runId }));
    await pool.end();
    await db.release();
    process.exit(0);
  }
  console.log(`Run ${runId}: ${customerIds.length} customers, ${policy === "llm" ? `language model ${model?.name}` : "deterministic policy"}`);
  const retry: DatabaseRetryOptions = {
    ...databaseRetryFrom({ ...env, DATABASE_URL: db.url }),
    onRetry: ({ error, delayMs }) => console.error(`[pipeline] ${databaseFailureMessage(error, db.url)} Trying again in ${(delayMs / 1000).toFixed(1)} s.`),
  };
  const startOwn = () =>
    startWorker({ pool, model, concurrency: concurrencyArg.value, expireInSeconds: env.RUN_JOB_EXPIRE_SECONDS, allocationStrategy: env.ALLOCATION_STRATEGY, databaseRetry: retry, log: (m) => console.error(m) });
  // A run the rules decide goes to the workers alive, and this command works it itself when none is
  // (or none is left). A run that asks the model is worked here too: this command has the model, and
  // the workers alive may not (only those with it take such a run's chunks).
  const standby =
    isModelNeeded
      ? await startOwn().then((worker) => {
          console.error("[pipeline] This command works the language-model run itself, beside any worker alive.");
          return worker;
        })
      : await standByToWork(pool, { start: startOwn, log: (m) => console.error(`[pipeline] ${m}`) });
  const status = await waitForRun(pool, runId, { retry }).finally(() => standby.stop());
  const { rows } = await pool.query<{ error: string | null; summary: RunSummary | null }>(`SELECT error, summary FROM "Run" WHERE id = $1`, [runId]);
  const summary = rows[0]?.summary;
  if (status === "failed" || !summary) fail(`Run failed: ${rows[0]?.error}`);
  if (status === "cancelled") console.log(`Run cancelled${rows[0]?.error ? `: ${rows[0].error}` : ""}`);
  const rate = summary.processed / Math.max(0.001, summary.durationMs / 1000);
  console.table({
    processed: summary.processed,
    "awaiting review": summary.byStatus.pending_review,
    "no action": summary.byStatus.no_action,
    failed: summary.byStatus.failed,
    fallbacks: summary.fallbacks,
    "model calls": summary.modelCalls,
    "prompt tokens": summary.promptTokens,
    "expected value (GBP)": summary.expectedValue,
    "duration (s)": summary.durationMs / 1000,
    "customers/s": Math.round(rate),
  });
  console.table(summary.byTreatment);
  for (const f of summary.failures.slice(0, 10)) console.log(`failed ${f.customerId}: ${f.reason}`);
  const breaker = summary.modelBreaker && describeModelBreaker(summary.modelBreaker, { faultLimit: env.MODEL_FAULT_LIMIT, decidedWhilePaused: summary.modelPaused ?? 0 });
  if (breaker) console.log(breaker);
} catch (err) {
  if (err instanceof RunRequestError) fail(err.message);
  // An outage that outlasted the retries: one sentence, not a stack; the run itself stays with the workers.
  const outage = databaseFailureMessage(err, db.url);
  if (outage) {
    console.error(`[pipeline] ${outage} The run, if it was created, goes on in the workers.`);
    process.exit(1);
  }
  throw err;
} finally {
  await pool.end();
  await db.release();
}
