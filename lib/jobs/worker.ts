// A worker: takes a run's jobs from the queue and runs their steps (steps.ts). Decide jobs run
// `concurrency` at a time; allocate jobs one at a time (a run allocates serially anyway). A job that
// throws is retried with backoff; one that used up its retries, or whose worker died on every
// attempt, is dead-lettered and its run ends failed with the reason.
import type pg from "pg";
import type PgBoss from "pg-boss";
import type { AllocationStrategy } from "../agents/orchestrator";
import type { ChatModel } from "../agents/ports";
import { type DatabaseRetryOptions, databaseFailureMessage, withDatabaseRetry } from "../database/outage";
import { refreshInsights } from "../pipeline/insights-refresh";
import { refreshLearnedEffects } from "../pipeline/learned-effects";
import { refreshRiskCalibration } from "../pipeline/risk-calibration";
import { startHeartbeat } from "./heartbeat";
import { repeatEvery } from "./repeat";
import { type AllocateJob, type DecideJob, type FailedJob, type JobQueue, QUEUES, type OpenQueueOptions, type RefreshKind, openJobQueue } from "./queue";
import { AllocationBusyError, allocateRunStep, decideRunChunk, failRun, stopRunsPastDeadline } from "./steps";

/**
 * Customers one allocation step serves: a few seconds of work (about 0.8 ms a customer on two
 * cores), well inside a job's expiry. Each step reads the run's state and stored order again, which
 * cost 10,000 customers about 0.8 s in steps of 2,000.
 */
const ALLOCATION_STEP = 5_000;

/** How often a worker ends runs past their deadline that wait for a worker (RUN_DEADLINE_SECONDS is an hour by default). */
const DEADLINE_SWEEP_MS = 30_000;

export type WorkerOptions = OpenQueueOptions & {
  pool: pg.Pool;
  /** The model of runs with the language-model policy; null decides them with the rules. */
  model: ChatModel | null;
  /** Decide jobs worked at once, of each kind it takes (with a model: deterministic and language-model runs). */
  concurrency?: number;
  /** Seconds an allocate job this worker sends may stay active before another worker takes it. */
  expireInSeconds: number;
  /** Customers one allocation step serves (ALLOCATION_STEP when unset). */
  allocationStep?: number;
  /** How runs that name no strategy share capacity out (ALLOCATION_STRATEGY); "optimal" when unset. */
  allocationStrategy?: AllocationStrategy;
  /** Milliseconds between two looks for runs past their deadline whose chunks no worker runs (DEADLINE_SWEEP_MS when unset). */
  deadlineSweepMs?: number;
  /** What each refresh job runs; the pipeline's refreshes unless a test replaces them. */
  refreshes?: Partial<Record<RefreshKind, (pool: pg.Pool) => Promise<string>>>;
};

/** The refreshes a worker runs, each answering a line for the log. */
export const REFRESHES: Record<RefreshKind, (pool: pg.Pool) => Promise<string>> = {
  insights: async (pool) => {
    const r = await refreshInsights(pool);
    return `insights refreshed for ${r.refreshed} of ${r.total} customers (${r.failed.length} failed), ${r.segmentsCounted} segments counted`;
  },
  learnedEffects: async (pool) => `learned effects refreshed: ${(await refreshLearnedEffects(pool)).length} treatments; risk calibration from the ${(await refreshRiskCalibration(pool)).source}`,
};

export type Worker = { queue: JobQueue; stop(): Promise<void> };

const isFinalAttempt = (job: PgBoss.JobWithMetadata<unknown>) => job.retryCount >= job.retryLimit;
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Starts working the run queues on `pool` until `stop()`. */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const { pool, model } = opts;
  const log = opts.log ?? ((m: string) => console.log(m));
  const databaseRetry: DatabaseRetryOptions = opts.databaseRetry ?? {};
  const queue = await openJobQueue(pool, { isSupervising: true, ...opts, databaseRetry });
  // A step cut by a database outage runs again once the database answers (steps are safe to repeat),
  // so an outage shorter than the retry limit costs none of the job's own retries.
  const retrying = <T>(what: string, step: () => Promise<T>) =>
    withDatabaseRetry(step, {
      ...databaseRetry,
      onRetry: ({ attempt, delayMs, error }) => log(`[worker] ${what}: ${databaseFailureMessage(error, databaseRetry.url)} Trying again in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}).`),
    });
  const { boss } = queue;
  const sendAllocation = (client: Pick<pg.ClientBase, "query">, runId: string) => queue.enqueueAllocation(client, { runId, expireInSeconds: opts.expireInSeconds });

  /** This process's allocate worker, woken when a chunk here staged a run's last customer rather than at its next poll. */
  let allocateWorkerId: string | null = null;

  const decide = async ([job]: PgBoss.JobWithMetadata<DecideJob>[]) => {
    const { runId, chunk, customerIds } = job!.data;
    try {
      const result = await retrying(`run ${runId}: chunk ${chunk + 1}`, () => decideRunChunk(pool, { runId, customerIds, model, onLast: (client) => sendAllocation(client, runId) }));
      if (result === "last" && allocateWorkerId) boss.notifyWorker(allocateWorkerId);
      return { result };
    } catch (err) {
      log(`[worker] run ${runId}: chunk ${chunk + 1} (attempt ${job!.retryCount + 1}) failed: ${describe(err)}`);
      if (isFinalAttempt(job!)) await failRun(pool, runId, `Deciding chunk ${chunk + 1} failed after ${job!.retryCount + 1} attempts: ${describe(err)}`);
      throw err;
    }
  };

  const allocate = async ([job]: PgBoss.JobWithMetadata<AllocateJob>[]) => {
    const { runId } = job!.data;
    try {
      const step = () => retrying(`run ${runId}: allocating`, () => allocateRunStep(pool, { runId, maxCustomers: opts.allocationStep ?? ALLOCATION_STEP, ...(opts.allocationStrategy ? { strategy: opts.allocationStrategy } : {}) }));
      // Steps follow one another in this job while two more fit well inside its expiry (no hand-over
      // to wait for); the rest of the run goes to a new job, so no job outlives its expiry.
      const started = Date.now();
      let result = await step();
      while (result.isMore && (Date.now() - started) * 3 < opts.expireInSeconds * 1000) result = await step();
      if (result.isMore) await boss.send(QUEUES.allocate, { runId } satisfies AllocateJob, { retryLimit: job!.retryLimit, retryDelay: job!.retryDelay, retryBackoff: true, expireInSeconds: opts.expireInSeconds, deadLetter: QUEUES.failed });
      return { isMore: result.isMore };
    } catch (err) {
      if (!(err instanceof AllocationBusyError)) log(`[worker] run ${runId}: allocating (attempt ${job!.retryCount + 1}) failed: ${describe(err)}`);
      if (isFinalAttempt(job!) && !(err instanceof AllocationBusyError)) await failRun(pool, runId, `Allocating failed after ${job!.retryCount + 1} attempts: ${describe(err)}`);
      throw err;
    }
  };

  // Reached by a job that failed its last attempt, including by expiring because its worker died each time.
  const deadLetter = async ([job]: PgBoss.JobWithMetadata<FailedJob>[]) => {
    const output = job!.output as { message?: string; value?: { message?: string } } | null;
    const reason = output?.message ?? output?.value?.message ?? "no reason recorded";
    await retrying(`run ${job!.data.runId}: recording its failure`, () => failRun(pool, job!.data.runId, `A job of this run failed every attempt: ${reason}`));
  };

  const refreshes = { ...REFRESHES, ...opts.refreshes };
  const refresh = (kind: RefreshKind) => async () => {
    log(`[worker] ${await refreshes[kind](pool)}`);
  };
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  try {
    await queue.scheduleRefreshes();
    for (let n = 0; n < concurrency; n++) await boss.work<DecideJob>(QUEUES.decide, { batchSize: 1, includeMetadata: true }, decide);
    // Model runs' chunks only where the model is: a worker without it would decide them by the rules.
    if (model) for (let n = 0; n < concurrency; n++) await boss.work<DecideJob>(QUEUES.decideModel, { batchSize: 1, includeMetadata: true }, decide);
    allocateWorkerId = await boss.work<AllocateJob>(QUEUES.allocate, { batchSize: 1, includeMetadata: true }, allocate);
    await boss.work<FailedJob>(QUEUES.failed, { batchSize: 1, includeMetadata: true }, deadLetter);
    await boss.work(QUEUES.refreshInsights, { batchSize: 1 }, refresh("insights"));
    await boss.work(QUEUES.refreshLearnedEffects, { batchSize: 1 }, refresh("learnedEffects"));
  } catch (err) {
    // A start cut short leaves no queue running (its timers would keep the process alive) and takes no job.
    await queue.stop().catch(() => undefined);
    throw err;
  }
  // Says it is alive once it takes jobs, so the runs screen can tell whether a queued run will be taken.
  const heartbeat = startHeartbeat(pool, { concurrency, hasModel: model !== null });
  // Deadlines hold for runs whose chunks no worker takes, too. A sweep the database refuses waits for the next.
  const sweeps = repeatEvery(opts.deadlineSweepMs ?? DEADLINE_SWEEP_MS, () =>
    stopRunsPastDeadline(pool, {
      onStopped: (id) => log(`[worker] run ${id}: passed its deadline (RUN_DEADLINE_SECONDS) before its customers were decided; ended cancelled.`),
      onError: (id, err) => log(`[worker] run ${id}: could not be ended at its deadline (tried again in a while): ${describe(err)}`),
    }).catch((err: unknown) => {
      if (databaseFailureMessage(err) === null) log(`[worker] the look for runs past their deadline failed: ${describe(err)}`);
    }),
  );
  return {
    queue,
    async stop() {
      // Stopping on purpose stops counting at once, while the jobs in hand finish.
      await Promise.all([heartbeat.stop(), queue.stop(), sweeps.stop()]);
    },
  };
}
