// Starting runs from the app: the web server never executes a run; it creates the run with its jobs
// and the workers (lib/jobs) do the rest. A run over a selection is watched through its progress; a
// run for one customer is awaited (with a timeout) so its answer can be shown.
import type pg from "pg";
import { z } from "zod";
import { isModelNeeded as isModelNeededFor } from "../agents/evaluation/experiments";
import type { ChatModel } from "../agents/ports";
import type { RunSummary } from "../agents/orchestrator/messages";
import { type DatabaseRetryOptions, withDatabaseRetry } from "../database/outage";
import { getEnv } from "../env";
import { type JobQueue, type RefreshKind, openJobQueue } from "../jobs/queue";
import type { RunOptions } from "../jobs/steps";
import { startWorker } from "../jobs/worker";
import { experimentOfRun } from "./experiments";
import { type PolicyChoice, RunRequestError, type RunScope, createRun, resolvePolicy, runScopeSchema } from "./runs";

export type LaunchDeps = {
  pool: pg.Pool;
  model: ChatModel | null;
  /** Customers per committed batch; the policy's default when unset. */
  batchSize?: number;
  /** Share of customers held out in the standing control group; absent holds out nobody. */
  controlGroupShare?: number;
  /** How long a run for one customer may wait for a worker before the answer says none is running. */
  customerRunTimeoutMs?: number;
};

export const policyChoiceSchema = z.enum(["auto", "rules", "llm"]);

export const startRunInputSchema = z
  .object({
    scope: runScopeSchema,
    policy: policyChoiceSchema.default("auto"),
  })
  .strict();

export type StartRunInput = z.input<typeof startRunInputSchema>;

export const customerRunInputSchema = z
  .object({
    customerId: z.string().trim().min(1, "Choose a customer.").max(200),
    policy: policyChoiceSchema.default("auto"),
  })
  .strict();

export type CustomerRunInput = z.input<typeof customerRunInputSchema>;

/** Seconds a job of a `policy` run may stay active before another worker takes it over: model chunks wait on the network. */
export function jobExpirySeconds(policy: "llm" | "rules"): number {
  const seconds = getEnv().RUN_JOB_EXPIRE_SECONDS;
  return policy === "llm" ? Math.max(seconds, 300) : seconds;
}

/** One queue per pool, started on first use (creating pg-boss's schema if needed). */
const queues = new WeakMap<pg.Pool, Promise<JobQueue>>();
function queueFor(pool: pg.Pool): Promise<JobQueue> {
  let queue = queues.get(pool);
  if (!queue) {
    queue = openJobQueue(pool);
    queue.catch(() => queues.delete(pool));
    queues.set(pool, queue);
  }
  return queue;
}

/**
 * Asks the workers for refreshes after the web server wrote new data; a refresh already waiting
 * absorbs the request. The data is written already, so a request that fails is logged and the
 * nightly refresh catches up, rather than failing the write.
 */
export async function requestRefreshesFrom(pool: pg.Pool, kinds: readonly RefreshKind[]): Promise<void> {
  try {
    await (await queueFor(pool)).enqueueRefreshes(kinds);
  } catch (err) {
    console.error(`[queue] The refresh of ${kinds.join(" and ")} could not be queued (the nightly one will run): ${(err as Error).message}`);
  }
}

/**
 * Creates a run over `scope` and enqueues its decide jobs in the same transaction, so a run exists
 * exactly when its jobs do. Refuses an empty selection or an unknown customer. It answers
 * `isModelNeeded` when some of its customers are decided with the language model (its policy, or an
 * arm of the experiment it runs under): only a worker with the model takes its chunks.
 */
export async function enqueueRun(
  pool: pg.Pool,
  opts: { scope: RunScope; policy: "llm" | "rules"; actor?: { id: string | null; label: string }; options?: Partial<RunOptions>; expireInSeconds?: number; againOf?: string },
): Promise<{ runId: string; customerIds: string[]; isModelNeeded: boolean }> {
  const queue = await queueFor(pool);
  let isModelNeeded = false;
  const created = await createRun(pool, {
    ...opts,
    deadlineSeconds: getEnv().RUN_DEADLINE_SECONDS,
    onCreated: async (client, run) => {
      // The experiment the run decides under is fixed by its creation time, read in this transaction.
      isModelNeeded = isModelNeededFor(opts.policy, await experimentOfRun(client, run.runId));
      if (isModelNeeded) await client.query(`UPDATE "Run" SET options = options || '{"isModelNeeded": true}'::jsonb WHERE id = $1`, [run.runId]);
      const expireInSeconds = opts.expireInSeconds ?? jobExpirySeconds(isModelNeeded ? "llm" : "rules");
      await queue.enqueueRun(client, { runId: run.runId, isModelNeeded, customerIds: run.customerIds, chunkSize: run.options.chunkSize, expireInSeconds });
    },
  });
  return { runId: created.runId, customerIds: created.customerIds, isModelNeeded };
}

/**
 * Runs this process enqueued that may not have ended, with the model they were started with, by
 * pool: a test or the command line can wait for them, with a worker that has that model.
 */
const enqueued = new Map<pg.Pool, { runIds: Set<string>; model: ChatModel | null }>();

/**
 * Ends once run `runId` ended; its status. Without an answer in `timeoutMs`, "timeout" (the run
 * stays queued for a worker). With `retry`, a database outage is waited out like the workers do.
 */
export async function waitForRun(pool: pg.Pool, runId: string, opts: { timeoutMs?: number; pollMs?: number; retry?: DatabaseRetryOptions } = {}): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  const read = () => pool.query<{ status: string }>(`SELECT status::text FROM "Run" WHERE id = $1`, [runId]);
  for (;;) {
    const { rows } = opts.retry ? await withDatabaseRetry(read, opts.retry) : await read();
    const status = rows[0]?.status ?? "failed";
    if (status !== "queued" && status !== "running") return status;
    if (Date.now() >= deadline) return "timeout";
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}

/**
 * Resolves when every run this process enqueued has ended. A process with no worker of its own
 * (a test) works the queue here meanwhile, as a worker process would.
 */
export async function waitForBackgroundRuns(): Promise<void> {
  for (const [pool, { runIds, model }] of [...enqueued]) {
    enqueued.delete(pool);
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM "Run" WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')`, [[...runIds]]);
    if (rows.length === 0) continue;
    const worker = await startWorker({ pool, model, expireInSeconds: getEnv().RUN_JOB_EXPIRE_SECONDS, maintenanceIntervalSeconds: 1, log: () => {} });
    try {
      for (const { id } of rows) await waitForRun(pool, id, { pollMs: 50 });
    } finally {
      await worker.stop();
    }
  }
}

/**
 * Creates a run over `scope` and enqueues it for the workers. Returns once the run and its jobs
 * exist, so the caller can show its progress. Refuses an empty selection or an unavailable policy.
 */
export async function startPipelineRun(
  deps: LaunchDeps,
  input: StartRunInput & { actor?: { id: string | null; label: string }; againOf?: string },
): Promise<{ runId: string; total: number; policy: "llm" | "rules" }> {
  const parsed = startRunInputSchema.parse({ scope: input.scope, policy: input.policy });
  const policy = resolvePolicy(parsed.policy as PolicyChoice, deps.model);
  const { runId, customerIds } = await enqueueRun(deps.pool, { scope: parsed.scope, policy, actor: input.actor, options: runOptionsOf(deps), againOf: input.againOf });
  const runs = enqueued.get(deps.pool) ?? { runIds: new Set<string>(), model: null };
  runs.runIds.add(runId);
  runs.model ??= deps.model;
  enqueued.set(deps.pool, runs);
  return { runId, total: customerIds.length, policy };
}

/**
 * Starts a new run over the selection and with the policy of run `runId`, which ended without
 * finishing (failed or cancelled): the selection is made again now, so customers added or changed
 * since count as they are. Refuses a run that does not exist or has not ended.
 */
export async function startRunAgain(
  deps: LaunchDeps,
  input: { runId: string; actor?: { id: string | null; label: string } },
): Promise<{ runId: string; total: number; policy: "llm" | "rules" }> {
  const { rows } = await deps.pool.query<{ status: string; policy: "llm" | "rules"; scope: unknown }>(`SELECT status::text, policy::text, scope FROM "Run" WHERE id = $1`, [input.runId]);
  const run = rows[0];
  if (!run) throw new RunRequestError("No run has this id; it may have been removed by a demo reset.");
  if (run.status === "queued" || run.status === "running") throw new RunRequestError("This run has not ended yet; cancel it or let it finish before running it again.");
  if (run.status === "completed") throw new RunRequestError("This run completed; start a new one from the form to decide its customers again.");
  const scope = runScopeSchema.safeParse(run.scope);
  if (!scope.success) throw new RunRequestError("This run's selection is no longer valid; start a new run from the form.");
  return startPipelineRun(deps, { scope: scope.data, policy: run.policy, actor: input.actor, againOf: input.runId });
}

function runOptionsOf(deps: LaunchDeps): Partial<RunOptions> {
  return { ...(deps.batchSize ? { batchSize: deps.batchSize } : {}), ...(deps.controlGroupShare !== undefined ? { controlGroupShare: deps.controlGroupShare } : {}) };
}

export type CustomerRunResult = {
  runId: string;
  summary: RunSummary;
  recommendation: {
    id: string;
    status: string;
    treatmentKey: string | null;
    policy: string;
    rationale: string;
    confidence: number;
    expectedValue: number;
    failureReason: string | null;
  } | null;
};

/** Enqueues a run for one customer and waits for a worker to answer with its recommendation. */
export async function runPipelineForCustomer(deps: LaunchDeps, input: CustomerRunInput & { actor?: { id: string | null; label: string } }): Promise<CustomerRunResult> {
  const parsed = customerRunInputSchema.parse({ customerId: input.customerId, policy: input.policy });
  const policy = resolvePolicy(parsed.policy as PolicyChoice, deps.model);
  const { runId, isModelNeeded } = await enqueueRun(deps.pool, { scope: { customerIds: [parsed.customerId] }, policy, actor: input.actor, options: runOptionsOf(deps) });
  const timeoutMs = deps.customerRunTimeoutMs ?? 60_000;
  const status = await waitForRun(deps.pool, runId, { timeoutMs });
  if (status === "timeout") {
    const needs = isModelNeeded ? " with the language model (OPENAI_API_KEY set)" : "";
    throw new RunRequestError(
      `No worker${needs} took the run within ${Math.round(timeoutMs / 1000)} s; it stays queued and will run when a worker${needs} starts (npm run worker, or npm start with WORKERS of 1 or more).`,
    );
  }
  const { rows: ended } = await deps.pool.query<{ error: string | null; summary: RunSummary | null }>(`SELECT error, summary FROM "Run" WHERE id = $1`, [runId]);
  const summary = ended[0]?.summary;
  if (status !== "completed" || !summary) throw new RunRequestError(`The run ${status === "cancelled" ? "was cancelled" : "failed"}: ${ended[0]?.error ?? "no reason recorded"}`);
  const { rows } = await deps.pool.query<{
    id: string; status: string; treatmentKey: string | null; policy: string; rationale: string; confidence: number; expectedValue: string; failureReason: string | null;
  }>(
    `SELECT id, status, "treatmentKey", policy, rationale, confidence, "expectedValue", "failureReason" FROM "Recommendation" WHERE "runId" = $1 AND "customerId" = $2`,
    [runId, parsed.customerId],
  );
  const row = rows[0];
  return {
    runId,
    summary,
    recommendation: row ? { ...row, expectedValue: Number(row.expectedValue) } : null,
  };
}
