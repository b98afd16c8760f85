// The job queue: pg-boss in its own schema (pgboss) of the app's PostgreSQL, so no other server
// runs and any number of worker processes share the work through SKIP LOCKED. pg-boss 10 is the
// last release for Node 20; it has no heartbeat, so a job's expiry is its liveness: a job still
// active past `expireInSeconds` is failed by the queue's maintenance and retried by another worker.
import type pg from "pg";
import PgBoss from "pg-boss";
import { type DatabaseRetryOptions, DatabaseUnavailableError, databaseFailureMessage, withDatabaseRetry } from "../database/outage";

export const QUEUES = {
  /** A chunk of a deterministic run's customers to decide and stage. */
  decide: "run-decide",
  /** A chunk of a run that asks the language model (its policy, or an experiment arm's): only workers with the model take these. */
  decideModel: "run-decide-model",
  /** A run whose customers are all staged, to allocate. */
  allocate: "run-allocate",
  /** Jobs that used up their retries: their run ends failed with the reason. */
  failed: "run-failed",
  /** Recomputes every customer's stored insights (journey stage, risk) after their data changed. */
  refreshInsights: "refresh-insights",
  /** Re-learns treatment effects from the recorded outcomes. */
  refreshLearnedEffects: "refresh-learned-effects",
} as const;

/** The refreshes that follow new data: an import of customers or events, and outcomes written. */
export type RefreshKind = "insights" | "learnedEffects";
const REFRESH_QUEUES: Record<RefreshKind, string> = { insights: QUEUES.refreshInsights, learnedEffects: QUEUES.refreshLearnedEffects };

/** Every night at 02:30 UTC, beside the refreshes new data triggers, so a quiet day is still refreshed. */
export const REFRESH_CRON = "30 2 * * *";

/**
 * One key for every refresh of a kind: with the queue's "stately" policy a burst of sends leaves
 * at most one refresh waiting (and one running), since each refresh covers everything anyway.
 */
const REFRESH_SINGLETON = "all";

export type DecideJob = { runId: string; chunk: number; customerIds: string[] };
export type AllocateJob = { runId: string };
export type FailedJob = DecideJob | AllocateJob;

/** How long stopping waits for the jobs in hand to finish and their completions to be written. */
export const QUEUE_STOP_TIMEOUT_MS = 10_000;

/** Retries with backoff (about 2, 4, 8 s) before a job is dead-lettered. */
const RETRY = { retryLimit: 3, retryDelay: 2, retryBackoff: true } as const;

/** A connection or transaction as pg-boss sees it, so a job can be sent inside the caller's transaction. */
export function queueDb(db: Pick<pg.ClientBase, "query"> | pg.Pool): PgBoss.Db {
  return { executeSql: (text, values) => db.query(text, values) };
}

/**
 * The pool as a worker's pg-boss sees it: a statement that fails on the connection is sent again
 * with backoff until the database answers, saying so once when it goes and once when it is back,
 * and in one sentence each time the retry limit passes. pg-boss completes and fails jobs without
 * awaiting them, so a statement it gave up on would end the worker with an unhandled rejection;
 * a worker has nothing better to do than wait. Its statements may be repeated: a fetch repeated
 * after its reply was lost leaves a job active until it expires and is retried.
 */
export function patientQueueDb(pool: pg.Pool, opts: DatabaseRetryOptions & { log: (message: string) => void }): PgBoss.Db {
  let isDown = false;
  const { log, ...retry } = opts;
  return {
    async executeSql(text, values) {
      for (;;) {
        try {
          const result = await withDatabaseRetry(() => pool.query(text, values), {
            ...retry,
            onRetry: ({ error }) => {
              if (isDown) return;
              isDown = true;
              log(`[queue] ${databaseFailureMessage(error, retry.url) ?? String(error)} Waiting for it, retrying with backoff.`);
            },
          });
          if (isDown) {
            isDown = false;
            log("[queue] The database answers again.");
          }
          return result;
        } catch (err) {
          if (!(err instanceof DatabaseUnavailableError)) throw err;
          log(`[queue] ${err.message} The worker keeps waiting for it.`);
        }
      }
    },
  };
}

/**
 * `db` with the statements still in flight: pg-boss completes and fails a job without awaiting it,
 * so a job that ends as the queue stops would otherwise still be writing when its pool ends, and its
 * completion would be lost (the job retried after it expires) or fail on the ended pool. Once the
 * queue is stopping, a statement that fails (the pool ended under a late completion) is said and
 * dropped rather than left to reject with no one listening: its job expires and is retried.
 */
function trackedDb(db: PgBoss.Db, log: (message: string) => void): PgBoss.Db & { /** Waits for the statements in flight; how many were still waiting when the time ran out. */ settled(timeoutMs: number): Promise<number> } {
  const inFlight = new Set<Promise<unknown>>();
  let isStopping = false;
  return {
    executeSql(text, values) {
      const statement = db.executeSql(text, values).catch((err: unknown) => {
        if (!isStopping) throw err;
        log(`[queue] A statement sent as the queue stopped was dropped (${err instanceof Error ? err.message : String(err)}); a job it would have completed or failed expires and is retried.`);
        return { rows: [] };
      });
      inFlight.add(statement);
      const forget = () => void inFlight.delete(statement);
      statement.then(forget, forget);
      return statement;
    },
    async settled(timeoutMs) {
      isStopping = true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
      try {
        // Statements sent meanwhile are waited for too, until none is left or the time is up.
        while (inFlight.size > 0) {
          if (await Promise.race([Promise.allSettled([...inFlight]).then(() => false), timedOut])) return inFlight.size;
        }
        return 0;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type JobQueue = {
  boss: PgBoss;
  /** Sends a run's decide jobs, one per chunk, inside `client`'s transaction. */
  enqueueRun(client: Pick<pg.ClientBase, "query">, run: { runId: string; isModelNeeded: boolean; customerIds: string[]; chunkSize: number; expireInSeconds: number }): Promise<void>;
  /** Sends the run's one allocate job inside `client`'s transaction; its id is the run's, so a second send is a no-op. */
  enqueueAllocation(client: Pick<pg.ClientBase, "query">, run: { runId: string; expireInSeconds: number }): Promise<void>;
  /** Asks for these refreshes; one already waiting absorbs the request. */
  enqueueRefreshes(kinds: readonly RefreshKind[]): Promise<void>;
  /** Schedules every refresh daily (REFRESH_CRON); idempotent, so every worker may ask. */
  scheduleRefreshes(): Promise<void>;
  stop(): Promise<void>;
};

export type OpenQueueOptions = {
  /** Expires stalled jobs and archives old ones; workers do, the web server does not. */
  isSupervising?: boolean;
  /** Seconds between two maintenance passes (how soon a dead worker's job is noticed after it expired). */
  maintenanceIntervalSeconds?: number;
  /** Seconds between two polls of an idle worker. */
  pollingIntervalSeconds?: number;
  /** Waits out a database outage (patientQueueDb) with this backoff; unset, a failed statement fails at once. */
  databaseRetry?: DatabaseRetryOptions;
  log?: (message: string) => void;
};

async function ensureQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, "name">): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) return;
    try {
      await boss.createQueue(name, { name, ...options });
      return;
    } catch (err) {
      // Workers started together create the queues at the same moment: another one created it, or
      // PostgreSQL chose this one as a deadlock's victim while the other has not yet committed. Look again.
      if (attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Starts pg-boss on `pool` (creating or migrating its schema) and its three queues. */
export async function openJobQueue(pool: pg.Pool, opts: OpenQueueOptions = {}): Promise<JobQueue> {
  const log = opts.log ?? console.error;
  const db = trackedDb(opts.databaseRetry ? patientQueueDb(pool, { ...opts.databaseRetry, log }) : queueDb(pool), log);
  const boss = new PgBoss({
    db,
    supervise: opts.isSupervising ?? false,
    // Supervising workers also turn the daily refresh schedule into jobs.
    schedule: opts.isSupervising ?? false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 5,
    pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5,
  });
  // pg-boss reports a failed poll or maintenance pass as an event; unheard, it would stop the process.
  boss.on("error", (err) => log(`[queue] ${(err as Error).message}`));
  await boss.start();
  await ensureQueue(boss, QUEUES.failed, { retryLimit: 0 });
  await ensureQueue(boss, QUEUES.decide, { ...RETRY, deadLetter: QUEUES.failed });
  await ensureQueue(boss, QUEUES.decideModel, { ...RETRY, deadLetter: QUEUES.failed });
  await ensureQueue(boss, QUEUES.allocate, { ...RETRY, deadLetter: QUEUES.failed });
  for (const name of Object.values(REFRESH_QUEUES)) await ensureQueue(boss, name, { ...RETRY, policy: "stately", expireInSeconds: 3_600 });
  return {
    boss,
    async enqueueRun(client, run) {
      const jobs: PgBoss.JobInsert<DecideJob>[] = [];
      const name = run.isModelNeeded ? QUEUES.decideModel : QUEUES.decide;
      for (let start = 0, chunk = 0; start < run.customerIds.length; start += run.chunkSize, chunk++) {
        jobs.push({ name, data: { runId: run.runId, chunk, customerIds: run.customerIds.slice(start, start + run.chunkSize) }, ...RETRY, expireInSeconds: run.expireInSeconds, deadLetter: QUEUES.failed });
      }
      await boss.insert(jobs, { db: queueDb(client) });
    },
    async enqueueAllocation(client, run) {
      await boss.send(QUEUES.allocate, { runId: run.runId } satisfies AllocateJob, { id: run.runId, ...RETRY, expireInSeconds: run.expireInSeconds, deadLetter: QUEUES.failed, db: queueDb(client) });
    },
    async enqueueRefreshes(kinds) {
      for (const kind of new Set(kinds)) await boss.send(REFRESH_QUEUES[kind], {}, { singletonKey: REFRESH_SINGLETON });
    },
    async scheduleRefreshes() {
      for (const name of Object.values(REFRESH_QUEUES)) await boss.schedule(name, REFRESH_CRON, {}, { tz: "UTC", singletonKey: REFRESH_SINGLETON });
    },
    async stop() {
      const deadline = Date.now() + QUEUE_STOP_TIMEOUT_MS;
      try {
        await boss.stop({ graceful: true, close: false, timeout: QUEUE_STOP_TIMEOUT_MS });
      } finally {
        // The last jobs' completions, sent after their handlers returned, are written before the pool
        // may end, even when stopping itself failed: within the same time (a second at least), so a
        // stop still ends when the database is down.
        const left = await db.settled(Math.max(1_000, deadline - Date.now()));
        if (left > 0) log(`[queue] Stopped with ${left} statement(s) still waiting for the database; a job they would have completed or failed expires and is retried.`);
      }
    },
  };
}

/** Asks for refreshes from a process that runs no queue (an import command): opens one briefly. */
export async function requestRefreshes(pool: pg.Pool, kinds: readonly RefreshKind[]): Promise<void> {
  const queue = await openJobQueue(pool);
  try {
    await queue.enqueueRefreshes(kinds);
  } finally {
    await queue.stop();
  }
}

/**
 * requestRefreshes for a command holding only a database address. The data is written already, so
 * a failed request is logged and the nightly refresh catches up, rather than failing the command.
 */
export async function requestRefreshesAt(url: string, kinds: readonly RefreshKind[], log: (message: string) => void): Promise<void> {
  const { default: Pg } = await import("pg");
  const pool = new Pg.Pool({ connectionString: url, max: 2 });
  try {
    await requestRefreshes(pool, kinds);
    log(`Refresh of ${kinds.join(" and ")} queued for the workers.`);
  } catch (err) {
    log(`The refresh of ${kinds.join(" and ")} could not be queued (the nightly one will run): ${(err as Error).message}`);
  } finally {
    await pool.end();
  }
}
