// `npm run bench [-- --json] [--customers N] [--llm-customers N] [--concurrency C] [--latency MS] [--queued-runs N]`
// Measures the whole pipeline (data, journey, treatment, capacity, writes) on its own throw-away
// PostgreSQL: customers per second with the deterministic policy, run directly in this process and
// through the job queue with 1 and 2 worker processes, the time a run takes to finish after one of
// its workers is killed, and the language-model policy against a local OpenAI-compatible server
// that answers after a fixed latency.
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { seedDemo } from "../../prisma/seed/index";
import { ensureDatabaseExists } from "../database/embedded";
import { startBenchPostgres } from "./bench-server";
import { median } from "../agents/journey/text";
import type { ContactPolicy } from "../agents/rules/contact-policy";
import { applyMigrations } from "../database/migrate";
import { createOpenAIChatModel } from "../llm/openai-model";
import { startFakeOpenAIServerThread } from "../llm/testing/fake-openai-thread";
import { loadContactPolicy } from "../pipeline/contact-policy";
import { spawnWorker } from "../jobs/spawn";
import { enqueueRun, waitForRun } from "../pipeline/launch";
import { createRun, executeRun } from "../pipeline/runs";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

const usage = `Usage: npm run bench [-- --json] [--customers N] [--llm-customers N] [--concurrency C] [--latency MS] [--queued-runs N]
  defaults: 10,000 customers, 4,096 for the model policy, 64 at once, 500 ms per answer, 3 warm queued runs per worker count`;
const parsed = parseCommandArgs(process.argv.slice(2), {
  json: { type: "boolean", default: false },
  customers: { type: "string", default: "10000" },
  "llm-customers": { type: "string", default: "4096" },
  concurrency: { type: "string", default: "64" },
  latency: { type: "string", default: "500" },
  "queued-runs": { type: "string", default: "3" },
});
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const { values } = parsed;
/** The whole number given to `flag`, within `range`; the command stops, naming the flag, otherwise. */
const wholeNumber = (flag: string, raw: string, range: { min: number; max: number }): number => {
  const read = wholeNumberArg(flag, raw, range);
  if (!read.ok) exitOnBadArgs(read, usage);
  return read.value;
};
const customers = wholeNumber("--customers", values.customers, { min: 1, max: 5_000_000 });
const llmCustomers = wholeNumber("--llm-customers", values["llm-customers"], { min: 1, max: 5_000_000 });
const concurrency = wholeNumber("--concurrency", values.concurrency, { min: 1, max: 10_000 });
const latencyMs = wholeNumber("--latency", values.latency, { min: 1, max: 600_000 });
/** Warm runs through the queue per worker count; their median is the queued rate (this machine is shared and noisy). */
const queuedRuns = wholeNumber("--queued-runs", values["queued-runs"], { min: 1, max: 20 });
/** Seconds a queued job may stay active before another worker takes it, in the kill measurement. */
const KILL_EXPIRY_SECONDS = 10;
const log = (m: string) => console.error(`[bench] ${m}`);

const server = await startBenchPostgres("bench-pg", log);

/**
 * A fresh database seeded with `count` customers, vacuumed and analysed so that no background
 * maintenance of the seed runs while a measurement does: each policy is measured on its own.
 */
async function seededDatabase(name: string, count: number): Promise<{ url: string; pool: pg.Pool }> {
  const url = server.urlFor(name);
  await ensureDatabaseExists(server.urlFor("postgres"), name);
  await applyMigrations(url);
  log(`Seeding ${count.toLocaleString("en-GB")} customers into ${name}...`);
  await seedDemo({ url, customers: count });
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // Idle connections are cut when the benchmark's own server stops at the end; that is expected.
  pool.on("error", () => {});
  await pool.query("VACUUM ANALYZE");
  await pool.query("CHECKPOINT");
  return { url, pool };
}

// On its own thread, as a real model server is elsewhere: the run does not answer its own requests.
const fake = await startFakeOpenAIServerThread({ latencyMs });
const pools: pg.Pool[] = [];
try {
  const { url, pool } = await seededDatabase("cvm_bench_rules", customers);
  pools.push(pool);

  const contactPolicy = await loadContactPolicy(pool);
  /** One timed deterministic run over the first `customers` customers, in this process, under `policy`. */
  const rulesRunOnce = async (policy: ContactPolicy | null) => {
    const run = await createRun(pool, { scope: { limit: customers }, policy: "rules" });
    const t0 = performance.now();
    const summary = await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, contactPolicy: policy });
    if (!summary) throw new Error("The deterministic run failed.");
    return { summary, seconds: (performance.now() - t0) / 1000 };
  };
  log("Deterministic policy run...");
  const { summary: rules, seconds: rulesSeconds } = await rulesRunOnce(contactPolicy);
  // The same customers again, as a daily run would: each new decision replaces a pending one.
  log("Deterministic policy run again over the same customers...");
  const { summary: again, seconds: againSeconds } = await rulesRunOnce(contactPolicy);
  // The contact policy's cost: the same repeated run without it, then with it once more, so neither
  // side is favoured by going first; the rate with the policy is the mean of its two repeated runs.
  log("Deterministic policy run again, without the contact policy...");
  const { summary: withoutPolicy, seconds: withoutPolicySeconds } = await rulesRunOnce(null);
  log("Deterministic policy run again, with the contact policy...");
  const { summary: withPolicy, seconds: withPolicySeconds } = await rulesRunOnce(contactPolicy);

  /** Worker processes on the rules database, each ready (its queue started) before any clock starts. */
  const startWorkerProcesses = async (count: number, env: Record<string, string> = {}): Promise<ChildProcess[]> => {
    const started = Array.from({ length: count }, () => spawnWorker({ databaseUrl: url, concurrency: 2, maintenanceSeconds: 1, env, stdio: "pipe" }));
    await Promise.all(started.map((child) => new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => { if (chunk.toString().includes("Working")) resolve(); });
      child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
      child.once("exit", (code) => reject(new Error(`A worker process exited (${code}) before it was ready.`)));
    })));
    return started;
  };
  const stopWorkerProcesses = async (children: ChildProcess[]) => {
    await Promise.all(children.map((child) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(null);
      child.once("exit", resolve);
      child.kill("SIGTERM");
    })));
  };
  /** One timed run through the queue: from enqueueing to the run's end. */
  const timedQueuedRun = async () => {
    const t0 = performance.now();
    const { runId } = await enqueueRun(pool, { scope: { limit: customers }, policy: "rules" });
    const status = await waitForRun(pool, runId, { pollMs: 20 });
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await pool.query<{ processed: number }>(`SELECT processed FROM "Run" WHERE id = $1`, [runId]);
    if (status !== "completed") throw new Error(`The queued run ended ${status}.`);
    return { processed: rows[0]!.processed, seconds };
  };
  /**
   * Timed runs through the queue with `count` worker processes: the first after they start (cold:
   * their code not yet compiled to its fast form), then `queuedRuns` more, as a long-lived worker
   * runs and as the direct runs in this process are measured. The warm figure is their median run,
   * and the direct rate is judged against it.
   */
  const queuedRunOnce = async (count: number) => {
    const children = await startWorkerProcesses(count);
    try {
      const cold = await timedQueuedRun();
      const warm: Awaited<ReturnType<typeof timedQueuedRun>>[] = [];
      for (let n = 0; n < queuedRuns; n++) warm.push(await timedQueuedRun());
      // Every run decides all the customers, so the median time gives the median rate.
      return { processed: warm[0]!.processed, seconds: median(warm.map((w) => w.seconds))!, cold, warmSeconds: warm.map((w) => Number(w.seconds.toFixed(2))) };
    } finally {
      await stopWorkerProcesses(children);
    }
  };
  log("Deterministic policy run through the queue, 1 worker process...");
  const queued1 = await queuedRunOnce(1);
  log("Deterministic policy run through the queue, 2 worker processes...");
  const queued2 = await queuedRunOnce(2);
  // Every run leaves its recommendations and history behind, so later runs meet larger tables: the
  // queued runs come after four direct ones. One more direct run at their size brackets them, and
  // the queue is judged against the mean of the direct runs just before and just after it.
  log("Deterministic policy run again, direct, after the queued runs...");
  const { summary: afterQueue, seconds: afterQueueSeconds } = await rulesRunOnce(contactPolicy);
  // Liveness: one of two workers killed outright once the run is under way; the other finishes it
  // after the dead worker's job expires.
  log(`Run through the queue with 2 workers, one killed with SIGKILL (jobs expire after ${KILL_EXPIRY_SECONDS} s)...`);
  const killed = await (async () => {
    const children = await startWorkerProcesses(2, { RUN_JOB_EXPIRE_SECONDS: String(KILL_EXPIRY_SECONDS) });
    try {
      const { runId } = await enqueueRun(pool, { scope: { limit: customers }, policy: "rules", expireInSeconds: KILL_EXPIRY_SECONDS });
      for (;;) {
        const { rows } = await pool.query<{ decided: number }>(`SELECT decided FROM "Run" WHERE id = $1`, [runId]);
        if (rows[0]!.decided > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      children[0]!.kill("SIGKILL");
      const t0 = performance.now();
      const status = await waitForRun(pool, runId, { pollMs: 20 });
      const seconds = (performance.now() - t0) / 1000;
      const { rows } = await pool.query<{ processed: number; total: number; recommendations: number }>(
        `SELECT processed, total, (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recommendations FROM "Run" WHERE id = $1`,
        [runId],
      );
      return { status, seconds, ...rows[0]! };
    } finally {
      await stopWorkerProcesses(children);
    }
  })();
  const withoutPolicyRate = withoutPolicy.processed / withoutPolicySeconds;
  const withPolicyOnceMoreRate = withPolicy.processed / withPolicySeconds;
  const withPolicyRate = (again.processed / againSeconds + withPolicyOnceMoreRate) / 2;
  const afterQueueRate = afterQueue.processed / afterQueueSeconds;
  const directAroundQueue = (withPolicyOnceMoreRate + afterQueueRate) / 2;
  const ofWithout = (rate: number) => `${(rate / withoutPolicyRate).toFixed(3)} of without`;

  // Its own database, so the model run neither finds the first run's decisions nor its holds.
  const llmDb = await seededDatabase("cvm_bench_llm", llmCustomers);
  pools.push(llmDb.pool);
  const model = createOpenAIChatModel({ apiKey: "bench", model: "bench-model", baseURL: fake.baseURL, maxRetries: 0, timeoutMs: 10_000 });
  const llmRun = await createRun(llmDb.pool, { scope: { limit: llmCustomers }, policy: "llm" });
  log(`Language-model policy run (${latencyMs} ms per answer, ${concurrency} at once)...`);
  const t1 = performance.now();
  const llm = await executeRun(llmDb.pool, { runId: llmRun.runId, customerIds: llmRun.customerIds, policy: "llm", model, concurrency });
  const llmSeconds = (performance.now() - t1) / 1000;
  if (!llm) throw new Error("The language-model run failed.");

  const rulesRate = rules.processed / rulesSeconds;
  const llmRate = llm.processed / llmSeconds;
  const ideal = concurrency / (latencyMs / 1000);
  const result = {
    rules_customers: rules.processed,
    rules_seconds: Number(rulesSeconds.toFixed(2)),
    rules_customers_per_s: Math.round(rulesRate),
    rules_again_seconds: Number(againSeconds.toFixed(2)),
    rules_again_customers_per_s: Math.round(again.processed / againSeconds),
    rules_again_superseded: again.supersededEarlier,
    rules_again_without_contact_policy_customers_per_s: Math.round(withoutPolicyRate),
    rules_again_with_contact_policy_customers_per_s: Math.round(withPolicyRate),
    rules_contact_policy_rate_ratio: Number((withPolicyRate / withoutPolicyRate).toFixed(3)),
    queued_1_worker_customers: queued1.processed,
    queued_1_worker_seconds: Number(queued1.seconds.toFixed(2)),
    queued_1_worker_customers_per_s: Math.round(queued1.processed / queued1.seconds),
    queued_1_worker_warm_seconds_each: queued1.warmSeconds,
    queued_1_worker_cold_seconds: Number(queued1.cold.seconds.toFixed(2)),
    queued_1_worker_cold_customers_per_s: Math.round(queued1.cold.processed / queued1.cold.seconds),
    queued_2_workers_customers: queued2.processed,
    queued_2_workers_seconds: Number(queued2.seconds.toFixed(2)),
    queued_2_workers_customers_per_s: Math.round(queued2.processed / queued2.seconds),
    queued_2_workers_warm_seconds_each: queued2.warmSeconds,
    queued_2_workers_cold_seconds: Number(queued2.cold.seconds.toFixed(2)),
    queued_2_workers_cold_customers_per_s: Math.round(queued2.cold.processed / queued2.cold.seconds),
    rules_after_queue_customers_per_s: Math.round(afterQueueRate),
    // Against direct runs over the same customers with pending decisions to replace, as the queued
    // runs have: the mean of the one just before the queued runs (the contact policy's second) and
    // the one just after them.
    queued_2_workers_rate_of_direct: Number((queued2.processed / queued2.seconds / directAroundQueue).toFixed(3)),
    queued_2_workers_rate_of_direct_before: Number((queued2.processed / queued2.seconds / withPolicyOnceMoreRate).toFixed(3)),
    queued_2_workers_rate_of_direct_after: Number((queued2.processed / queued2.seconds / afterQueueRate).toFixed(3)),
    queued_2_workers_cold_rate_of_direct: Number((queued2.cold.processed / queued2.cold.seconds / directAroundQueue).toFixed(3)),
    kill_job_expiry_seconds: KILL_EXPIRY_SECONDS,
    kill_to_completion_seconds: Number(killed.seconds.toFixed(2)),
    kill_run_status: killed.status,
    kill_run_processed: killed.processed,
    kill_run_total: killed.total,
    kill_run_recommendations: killed.recommendations,
    llm_customers: llm.processed,
    llm_seconds: Number(llmSeconds.toFixed(2)),
    llm_concurrency: concurrency,
    llm_latency_ms: latencyMs,
    llm_customers_per_s: Number(llmRate.toFixed(1)),
    llm_ideal_customers_per_s: ideal,
    llm_fraction_of_ideal: Number((llmRate / ideal).toFixed(3)),
    // Customers for whom only no action is allowed need no call, which lifts the customer rate above
    // what the model alone allows; model calls per second against the same ideal leave them out.
    llm_calls_per_s: Number((llm.modelCalls / llmSeconds).toFixed(1)),
    llm_call_fraction_of_ideal: Number((llm.modelCalls / llmSeconds / ideal).toFixed(3)),
    llm_calls_per_recommendation: Number((llm.modelCalls / Math.max(1, llm.processed)).toFixed(3)),
    llm_prompt_tokens_per_recommendation: Math.round(llm.promptTokens / Math.max(1, llm.processed)),
    llm_model_fallbacks: llm.modelFallbacks,
    llm_decided_without_model: llm.decidedWithoutModel,
    llm_failed: llm.byStatus.failed,
  };
  /** A row of the deterministic policy: no model, so no ideal, calls or prompt tokens. */
  const rulesRow = (measure: string, customers: number | string, seconds: number, rate: number | string, fraction: string | number = "") =>
    ({ measure, customers, seconds, "customers/s": rate, ideal: "" as number | string, "fraction of ideal": fraction, "calls/rec": 0 as number | string, "prompt tokens/rec": 0 as number | string });
  console.table([
    rulesRow("Deterministic policy (direct, in one process)", result.rules_customers, result.rules_seconds, result.rules_customers_per_s),
    rulesRow("  again, replacing pending decisions (contact policy in force)", again.processed, result.rules_again_seconds, result.rules_again_customers_per_s, ofWithout(again.processed / againSeconds)),
    rulesRow("  again, without the contact policy", withoutPolicy.processed, Number(withoutPolicySeconds.toFixed(2)), result.rules_again_without_contact_policy_customers_per_s),
    rulesRow("  again, contact policy in force once more", withPolicy.processed, Number(withPolicySeconds.toFixed(2)), Math.round(withPolicyOnceMoreRate), ofWithout(withPolicyOnceMoreRate)),
    rulesRow("  through the queue, 1 worker process, first run after they start", queued1.cold.processed, result.queued_1_worker_cold_seconds, result.queued_1_worker_cold_customers_per_s),
    rulesRow(`  through the queue, 1 worker process, the next ${queuedRuns} runs (warm), median`, result.queued_1_worker_customers, result.queued_1_worker_seconds, result.queued_1_worker_customers_per_s),
    rulesRow("  through the queue, 2 worker processes, first run after they start", queued2.cold.processed, result.queued_2_workers_cold_seconds, result.queued_2_workers_cold_customers_per_s, `${result.queued_2_workers_cold_rate_of_direct} of direct (around it)`),
    rulesRow(`  through the queue, 2 worker processes, the next ${queuedRuns} runs (warm), median`, result.queued_2_workers_customers, result.queued_2_workers_seconds, result.queued_2_workers_customers_per_s, `${result.queued_2_workers_rate_of_direct} of direct (around it)`),
    rulesRow("  direct again, after the queued runs", afterQueue.processed, Number(afterQueueSeconds.toFixed(2)), result.rules_after_queue_customers_per_s),
    rulesRow(`  2 workers, one killed (-9): kill to completion (expiry ${KILL_EXPIRY_SECONDS} s)`, `${killed.recommendations}/${killed.total} ${killed.status}`, result.kill_to_completion_seconds, ""),
    {
      measure: `Language model (${latencyMs} ms, concurrency ${concurrency})`,
      customers: result.llm_customers,
      seconds: result.llm_seconds,
      "customers/s": result.llm_customers_per_s,
      ideal,
      "fraction of ideal": result.llm_fraction_of_ideal,
      "calls/rec": result.llm_calls_per_recommendation,
      "prompt tokens/rec": result.llm_prompt_tokens_per_recommendation,
    },
    {
      measure: "  its model calls alone",
      customers: "",
      seconds: result.llm_seconds,
      "customers/s": `${result.llm_calls_per_s} calls/s`,
      ideal,
      "fraction of ideal": result.llm_call_fraction_of_ideal,
      "calls/rec": "",
      "prompt tokens/rec": "",
    },
  ]);
  log(`Warm runs through the queue, seconds each: 1 worker ${queued1.warmSeconds.join(", ")}; 2 workers ${queued2.warmSeconds.join(", ")}.`);
  log(`Contact policy in force: ${result.rules_again_with_contact_policy_customers_per_s} customers/s (mean of its 2 repeated runs) against ${result.rules_again_without_contact_policy_customers_per_s} without it, ${result.rules_contact_policy_rate_ratio} of the rate without.`);
  if (values.json) console.log(JSON.stringify(result));
} finally {
  await fake.close();
  for (const p of pools) await p.end();
  await server.stop();
}
