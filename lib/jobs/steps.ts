// The two steps of a run over PostgreSQL, shared by the queue's jobs (handlers.ts) and the
// in-process path (executeRun): deciding a chunk stages its customers' outcomes with the run's
// progress in one transaction, taking no capacity; allocating reads every staged outcome of the run
// and holds capacity batch by batch. Both are safe to repeat: a retried chunk stages each customer
// once, a retried allocation skips customers already written.
import type pg from "pg";
import { createDataAgent } from "../agents/data/data-agent";
import type { PolicyKind } from "../agents/domain";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { type AllocationStrategy, type Decided, type Outcome, type RunPlan, type TalliedOutcome, allocateRun, createBatchSaver, createDecider, decideChunk, emptySummary, greedyOrder, plannedOrder, talliedOf, tallyRun, tallySaved } from "../agents/orchestrator";
import type { RunSummary, TraceStep } from "../agents/orchestrator/messages";
import type { TreatmentContext } from "../agents/messages";
import type { ChatModel } from "../agents/ports";
import type { ContactPolicy } from "../agents/rules/contact-policy";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { copyField, copyJson, copyJsonOrNull, copyLine, copyRows } from "../database/copy";
import { withTransaction } from "../database/transaction";
import { modelFaultCounters, scopedModel } from "../llm/circuit-breaker";
import { loadCatalog } from "../pipeline/catalog";
import { loadContactPolicy } from "../pipeline/contact-policy";
import { decideByArm, experimentOfRun, stampExperimentArms } from "../pipeline/experiments";
import { createCustomerCache } from "../pipeline/customer-cache";
import { createPgCustomerSource } from "../pipeline/customer-source";
import { createPgCapacityStore } from "../pipeline/pg-capacity-store";
import { planRunByStrategy } from "../pipeline/run-prices";

/** How a run's steps work, kept on the run so any worker runs it the same way. */
export type RunOptions = {
  /** Customers per capacity transaction. */
  batchSize: number;
  /** Customers per decide job. */
  chunkSize: number;
  /** Customers decided at once inside a chunk. */
  concurrency: number;
  /** Share held out in the standing control group; absent holds out nobody. */
  controlGroupShare?: number;
  /** Decide without a contact policy (the benchmark's comparison); otherwise the one in force. */
  isWithoutContactPolicy?: boolean;
  /** How the allocation shares capacity out; absent takes the worker's setting (ALLOCATION_STRATEGY). */
  allocationStrategy?: AllocationStrategy;
  /** Whether some customers are decided with the language model (the run's policy, or an experiment arm's): its chunks go to workers with the model. */
  isModelNeeded?: boolean;
};

/**
 * Sizes for a policy: model chunks are small, so one stays well inside a job's expiry while the model
 * answers. A capacity batch of 1,000 customers holds the capacity lock about half a second, and
 * allocated 10,000 customers 0.7 to 1.0 s faster than batches of 250 (two alternating pairs):
 * each batch pays a dozen statements of its own however few customers it writes.
 */
export function defaultRunOptions(policy: PolicyKind): RunOptions {
  return policy === "llm" ? { batchSize: 1_000, chunkSize: 64, concurrency: 16 } : { batchSize: 1_000, chunkSize: 500, concurrency: 4 };
}

export type RunRow = {
  id: string;
  status: "queued" | "running" | "completed" | "cancelled" | "failed";
  phase: "deciding" | "allocating";
  policy: PolicyKind;
  total: number;
  decided: number;
  processed: number;
  cancelRequested: boolean;
  isPastDeadline: boolean;
  options: RunOptions;
  startedAt: Date | null;
};

/** The run as its steps see it; null when it does not exist (deleted, or a demo reset replaced it). */
export async function readRun(db: Pick<pg.ClientBase, "query">, runId: string, opts: { isLocked?: boolean } = {}): Promise<RunRow | null> {
  const { rows } = await db.query<Omit<RunRow, "options"> & { options: Partial<RunOptions> | null }>(
    `SELECT id, status::text, phase::text, policy::text, total, decided, processed, "cancelRequested",
            ("deadlineAt" IS NOT NULL AND "deadlineAt" < now()) AS "isPastDeadline", options, "startedAt"
       FROM "Run" WHERE id = $1${opts.isLocked ? " FOR NO KEY UPDATE" : ""}`,
    [runId],
  );
  const row = rows[0];
  if (!row) return null;
  return { ...row, options: { ...defaultRunOptions(row.policy), ...(row.options ?? {}) } };
}

const isLive = (run: RunRow) => run.status === "queued" || run.status === "running";

/**
 * The summary in parameter `param` with its duration measured by the database's clock, from the
 * run's start to now: the same clock whichever worker started the run and whichever ends it.
 */
const summaryWithDuration = (param: string) =>
  `jsonb_set(${param}::jsonb, '{durationMs}', to_jsonb(coalesce(round(extract(epoch FROM clock_timestamp() - "startedAt") * 1000)::bigint, 0)))`;
const DEADLINE_REASON = "The run passed its deadline (RUN_DEADLINE_SECONDS) and stopped like a cancel.";

/**
 * Ends a run that is still deciding as cancelled (asked, or past its deadline): nothing was
 * allocated, so no capacity is held and no recommendation written; its staged decisions go. A run
 * already ended or allocating is left alone.
 */
export async function stopDecidingRun(db: Pick<pg.ClientBase, "query">, run: Pick<RunRow, "id" | "policy" | "total" | "isPastDeadline">): Promise<boolean> {
  const summary: RunSummary = { ...emptySummary({ runId: run.id, policy: run.policy, customers: run.total }), isCancelled: true };
  // Its duration is the time it decided for (it began when its first chunk did).
  const { rowCount } = await db.query(
    `UPDATE "Run" SET status = 'cancelled', error = $3, "finishedAt" = now(), summary = ${summaryWithDuration("$2")}
      WHERE id = $1 AND status IN ('queued', 'running') AND phase = 'deciding'`,
    [run.id, JSON.stringify(summary), run.isPastDeadline ? DEADLINE_REASON : null],
  );
  if (rowCount) await dropStaging(db, run.id);
  return (rowCount ?? 0) > 0;
}

/**
 * Ends every run still deciding past its deadline as cancelled (with the reason), whether or not a
 * chunk of it is running: a run whose chunks wait for a worker that never comes (a model run while no
 * worker has the model) would otherwise wait past its deadline for ever. Returns the runs it ended.
 * Runs allocating stop at their next batch, as with a cancel.
 */
export async function stopRunsPastDeadline(pool: pg.Pool, hooks: { onStopped: (runId: string) => void; onError: (runId: string, err: unknown) => void }): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM "Run" WHERE status IN ('queued', 'running') AND phase = 'deciding' AND "deadlineAt" < now()`,
  );
  const stopped: string[] = [];
  for (const { id } of rows) {
    try {
      // Under the run's lock, as a chunk stages: exactly one of them ends it.
      const isStopped = await withTransaction(pool, async (client) => {
        const run = await readRun(client, id, { isLocked: true });
        return run !== null && run.isPastDeadline && stopDecidingRun(client, run);
      });
      if (isStopped) {
        stopped.push(id);
        hooks.onStopped(id);
      }
    } catch (err) {
      // One run that cannot be ended now (a lock, an outage) leaves the others to be ended.
      hooks.onError(id, err);
    }
  }
  return stopped;
}

/** Ends a live run as failed with `reason` and its counts (the recommendations it wrote stand, with their holds). */
export async function failRun(pool: pg.Pool, runId: string, reason: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE "Run" r SET status = 'failed', error = $2, "finishedAt" = now(), "allocationPlan" = NULL,
              processed = (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = r.id),
              failed = (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = r.id AND status = 'failed')
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [runId, reason.slice(0, 2000)],
    );
    if (rowCount) await dropStaging(client, runId);
  });
}

/**
 * Removes an ended run's staging: its staged outcomes, and the decision steps of customers it never
 * wrote (a cancel or failure let them go); the steps of those written stay with their recommendations.
 */
async function dropStaging(db: Pick<pg.ClientBase, "query">, runId: string): Promise<void> {
  // The unwritten customers are found once, as a set, then deleted by key. An anti-join here was
  // planned from statistics taken before the run's rows existed, as a nested loop over a scan of
  // every recommendation, and took 15 to 30 s per run once a few runs were stored.
  await db.query(
    `DELETE FROM "DecisionTrace" WHERE "runId" = $1 AND "customerId" = ANY(ARRAY(
       SELECT "customerId" FROM "RunDecision" WHERE "runId" = $1
       EXCEPT SELECT "customerId" FROM "Recommendation" WHERE "runId" = $1))`,
    [runId],
  );
  await db.query(`DELETE FROM "RunDecision" WHERE "runId" = $1`, [runId]);
}

/** The data, journey and treatment agents of steps 1–4 for one chunk. */
async function deciderFor(pool: pg.Pool, run: RunRow, opts: { model: ChatModel | null; contactPolicy?: ContactPolicy | null }) {
  const catalog = await loadCatalog(pool);
  const contactPolicy = opts.contactPolicy !== undefined ? opts.contactPolicy : run.options.isWithoutContactPolicy ? null : await loadContactPolicy(pool);
  const data = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: 2_000 }) });
  const journey = createJourneyAgent();
  // Champion/challenger (lib/pipeline/experiments.ts): each arm decides its customers with its own policy and catalog.
  const decide = decideByArm({
    experiment: await experimentOfRun(pool, run.id),
    catalog,
    build: (arm) => {
      const policy = arm?.policy ?? run.policy;
      const armCatalog = arm?.catalog ?? catalog;
      const treatment = createTreatmentAgent({ catalog: armCatalog, model: policy === "llm" ? opts.model : null, contactPolicy });
      return createDecider({ data, journey, treatment, policy, catalog: armCatalog }).decide;
    },
  });
  return { data, decide };
}

export type ChunkResult = "staged" | "last" | "stopped";

/**
 * Decides one chunk of run `runId` and stages each customer's outcome with the run's progress in
 * one transaction; "last" when that transaction staged the run's last customer and moved the run
 * to allocating (then `onLast` ran inside it, to enqueue the allocation exactly once); "stopped"
 * when the run was cancelled, past its deadline or ended before the chunk could be staged.
 */
export async function decideRunChunk(
  pool: pg.Pool,
  opts: { runId: string; customerIds: string[]; model: ChatModel | null; contactPolicy?: ContactPolicy | null; onLast?: (client: pg.PoolClient) => Promise<void> },
): Promise<ChunkResult> {
  const run = await readRun(pool, opts.runId);
  if (!run || !isLive(run) || run.phase !== "deciding") return "stopped";
  if (run.cancelRequested || run.isPastDeadline) {
    await stopDecidingRun(pool, run);
    return "stopped";
  }
  await pool.query(`UPDATE "Run" SET status = 'running', "startedAt" = coalesce("startedAt", now()) WHERE id = $1 AND status = 'queued'`, [run.id]);
  // This chunk's own share of the breaker's counters, while other chunks call the same model.
  const model = scopedModel(opts.model);
  const { data, decide } = await deciderFor(pool, run, { ...opts, model });
  const isStopRequested = async () => {
    const now = await readRun(pool, run.id);
    return !now || !isLive(now) || now.cancelRequested || now.isPastDeadline;
  };
  const { outcomes: staged, isStopped } = await decideChunk({
    runId: run.id,
    customerIds: opts.customerIds,
    concurrency: run.options.concurrency,
    // Each customer's rows are written out as soon as they are decided, so the chunk keeps a few
    // strings per customer until it is staged rather than the whole outcome, trace and context.
    decide: async (customerId) => stagedRows(run.id, await decide(customerId)),
    prefetch: (ids) => data.process({ type: "prefetch_customers", customerIds: ids }),
    isStopRequested,
  });
  if (isStopped) {
    const now = await readRun(pool, run.id);
    if (now) await stopDecidingRun(pool, now);
    return "stopped";
  }
  // A chunk retried while its first attempt still stages the same customers meets their rows
  // there (a unique violation) and tries once more, then finds them staged and adds nothing.
  for (let attempt = 1; ; attempt++) {
    try {
      return await stageChunk(pool, { run, staged, model, onLast: opts.onLast, isCheckingCustomers: attempt > 1 });
    } catch (err) {
      // The run ended, or was deleted (a demo reset) so its rows could not be written: nothing to stage.
      const { code, constraint } = err as { code?: string; constraint?: string };
      // A customer deleted meanwhile has no steps to keep: the next attempt leaves them out.
      const isCustomerGone = code === FOREIGN_KEY_VIOLATION && constraint === "DecisionTrace_customerId_fkey";
      if (err instanceof ChunkNotStaged || (code === FOREIGN_KEY_VIOLATION && !isCustomerGone)) return "stopped";
      if ((code !== UNIQUE_VIOLATION && !isCustomerGone) || attempt >= 3) throw err;
    }
  }
}

/**
 * Stages a decided chunk with the run's progress in one transaction: the rows first, through COPY,
 * and the run row's lock after, so the chunks of a run write their rows at the same time and queue
 * only to count them. The lock (FOR NO KEY UPDATE) leaves the key-share locks of other chunks'
 * inserts alone, so two chunks never wait on each other.
 */
async function stageChunk(
  pool: pg.Pool,
  opts: { run: RunRow; staged: StagedRows[]; model: ChatModel | null; onLast?: (client: pg.PoolClient) => Promise<void>; isCheckingCustomers?: boolean },
): Promise<ChunkResult> {
  const { run, staged, model } = opts;
  return withTransaction(pool, async (client) => {
    // Customers a retried chunk staged already stay as they were.
    const { rows: present } = await client.query<{ customerId: string }>(
      `SELECT "customerId" FROM "RunDecision" WHERE "runId" = $1 AND "customerId" = ANY($2::text[])`,
      [run.id, staged.map((s) => s.customerId)],
    );
    const isStaged = new Set(present.map((r) => r.customerId));
    const fresh = staged.filter((s) => !isStaged.has(s.customerId));
    if (fresh.length > 0) {
      await copyRows(client, `"RunDecision" ("runId", "customerId", priority, "isHighValue", outcome, tally, context)`, fresh.map((s) => s.row));
      const existing = opts.isCheckingCustomers ? await existingCustomers(client, fresh.map((s) => s.customerId)) : null;
      const traces = fresh.flatMap((s) => (s.traceRow && (!existing || existing.has(s.customerId)) ? [s.traceRow] : []));
      if (traces.length > 0) await copyRows(client, `"DecisionTrace" ("runId", "customerId", steps)`, traces);
    }
    const locked = await readRun(client, run.id, { isLocked: true });
    // Ended or allocating meanwhile: this chunk's rows go with the rollback.
    if (!locked || !isLive(locked) || locked.phase !== "deciding") throw new ChunkNotStaged();
    if (locked.cancelRequested || locked.isPastDeadline) {
      // Ends the run and removes its staged rows, this chunk's with them.
      await stopDecidingRun(client, locked);
      return "stopped";
    }
    // Chunks count one after another under the lock, so exactly one sees the last customer. A
    // retried chunk whose customers were all staged already adds nothing, its breaker counters neither.
    const breaker = (fresh.length > 0 && modelFaultCounters(model)) || { faults: 0, circuitOpenedTimes: 0, skippedCalls: 0 };
    const { rows } = await client.query<{ decided: number; total: number }>(
      `UPDATE "Run" SET decided = decided + $2, "modelFaults" = "modelFaults" + $3, "modelPauses" = "modelPauses" + $4, "modelSkippedCalls" = "modelSkippedCalls" + $5
        WHERE id = $1 RETURNING decided, total`,
      [run.id, fresh.length, breaker.faults, breaker.circuitOpenedTimes, breaker.skippedCalls],
    );
    if (rows[0]!.decided < rows[0]!.total) return "staged";
    await client.query(`UPDATE "Run" SET phase = 'allocating' WHERE id = $1`, [run.id]);
    await opts.onLast?.(client);
    return "last";
  });
}

/** A decided customer's COPY rows: for RunDecision, and for DecisionTrace (null when the decision took no steps). */
type StagedRows = { customerId: string; row: string; traceRow: string | null };

/**
 * A staged customer as COPY rows: the outcome without its trace and context (the context in a column
 * of its own), and the decision's steps for DecisionTrace, where they stay; none when it took none.
 */
function stagedRows(runId: string, o: Outcome): StagedRows {
  const { trace, context, ...light } = o as Outcome & { trace?: TraceStep[]; context?: TreatmentContext };
  const isDecided = o.kind === "decided";
  return {
    customerId: o.customerId,
    row: copyLine([copyField(runId), copyField(o.customerId), copyField(isDecided ? o.priority : 0), copyField(isDecided ? o.isHighValue : false), copyJson(light), copyJson(talliedOf(o)), copyJsonOrNull(context)]),
    traceRow: trace && trace.length > 0 ? copyLine([copyField(runId), copyField(o.customerId), copyJson(trace)]) : null,
  };
}

/** Which of `customerIds` still exist. */
async function existingCustomers(client: pg.ClientBase, customerIds: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM "Customer" WHERE id = ANY($1::text[])`, [customerIds]);
  return new Set(rows.map((r) => r.id));
}

/** Rolls a chunk's staging back: its run ended or moved on while the chunk was decided. */
class ChunkNotStaged extends Error {}
const FOREIGN_KEY_VIOLATION = "23503";
const UNIQUE_VIOLATION = "23505";

/** Key space of the allocation lock: one allocation per run at a time, released if its worker dies. */
const ALLOCATION_LOCK_CLASS = 7_204_312;

export class AllocationBusyError extends Error {}

/** What an allocation step left: more customers to allocate (the next step continues), or the run ended (or was not allocating). */
export type AllocationResult = { isMore: true } | { isMore: false; summary: RunSummary | null };

/**
 * Holds capacity for up to `maxCustomers` staged customers of run `runId` in the run's order
 * (skipping those an earlier step already wrote), and once none is left ends the run completed (or
 * cancelled, when a cancel or the deadline came between batches) with a summary counted from what
 * is stored. Steps are short so a job's expiry can stay short. Does nothing for a run that is not
 * allocating; throws AllocationBusyError while another worker allocates the same run.
 */
export async function allocateRunStep(pool: pg.Pool, opts: { runId: string; maxCustomers?: number; strategy?: AllocationStrategy }): Promise<AllocationResult> {
  const lockClient = await pool.connect();
  try {
    const { rows: lock } = await lockClient.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [ALLOCATION_LOCK_CLASS, opts.runId]);
    if (!lock[0]?.ok) throw new AllocationBusyError(`Another worker is allocating run ${opts.runId}`);
    try {
      return await allocateLocked(pool, { runId: opts.runId, maxCustomers: opts.maxCustomers ?? Number.MAX_SAFE_INTEGER, strategy: opts.strategy ?? "optimal" });
    } finally {
      await lockClient.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [ALLOCATION_LOCK_CLASS, opts.runId]);
    }
  } finally {
    lockClient.release();
  }
}

/**
 * The run's unsaved staged outcomes without their traces and contexts (columns of their own): most
 * of their bytes, needed only for the customers an allocation step writes (stagedOutcomesOf), not
 * to plan or order the run.
 */
async function stagedOutcomes(pool: pg.Pool, runId: string): Promise<Outcome[]> {
  const { rows } = await pool.query<{ outcome: Outcome }>(
    `SELECT d.outcome FROM "RunDecision" d
      WHERE d."runId" = $1
        AND NOT EXISTS (SELECT 1 FROM "Recommendation" r WHERE r."runId" = d."runId" AND r."customerId" = d."customerId")`,
    [runId],
  );
  return rows.map((r) => r.outcome);
}

/** What the run's summary reads of each staged outcome, stored beside it (talliedOf). */
async function talliedOutcomes(pool: pg.Pool, runId: string): Promise<TalliedOutcome[]> {
  const { rows } = await pool.query<{ tally: TalliedOutcome }>(`SELECT tally FROM "RunDecision" WHERE "runId" = $1`, [runId]);
  return rows.map((r) => r.tally);
}

/**
 * The allocation's order over the run's unsaved customers as its first step fixed it, with what
 * the plan set aside for each planned customer: later steps follow it, so each reads only its own
 * customers instead of every staged one and does not plan again. The capacity lock still grants
 * each unit, and the fallback chain serves a customer whose planned unit went meanwhile.
 */
type StoredPlan = {
  /** Whether a plan ordered the run (the "optimal" strategy); otherwise the order is greedy priority order. */
  isPlanned: boolean;
  order: string[];
  /** Customers who vanished before they were decided: never written, last in the order. */
  missing: string[];
  setAside: Record<string, NonNullable<Decided["setAside"]>>;
};

function storedPlanOf(ordered: readonly Outcome[], isPlanned: boolean): StoredPlan {
  const setAside: StoredPlan["setAside"] = {};
  for (const o of ordered) if (o.kind === "decided" && o.setAside) setAside[o.customerId] = o.setAside;
  return { isPlanned, order: ordered.map((o) => o.customerId), missing: ordered.filter((o) => o.kind === "missing").map((o) => o.customerId), setAside };
}

/** What plannedOrder needs of a plan to serve customers in the stored order with their set-aside options. */
function runPlanOfStored(stored: StoredPlan): RunPlan {
  const choices = new Map(Object.entries(stored.setAside).map(([id, a]) => [id, { treatmentKey: null, value: 0, passedOver: a.keys }]));
  return { choices, order: stored.order, setAside: (id) => stored.setAside[id] ?? null };
}

/**
 * The staged outcomes of `customerIds` with their contexts (the fallback chain asks for alternatives
 * with them) and an empty trace: the decisions' steps stay in DecisionTrace, and each recommendation's
 * own trace holds the allocation's steps after them.
 */
async function stagedOutcomesOf(pool: pg.Pool, runId: string, customerIds: string[], known?: ReadonlyMap<string, Outcome>): Promise<Outcome[]> {
  // The first step read every outcome to plan the run (`known`): it reads only their contexts again.
  const { rows } = await pool.query<{ customerId: string; outcome: Outcome | null; context: TreatmentContext | null }>(
    `SELECT "customerId", CASE WHEN $3 THEN outcome END AS outcome, context FROM "RunDecision" WHERE "runId" = $1 AND "customerId" = ANY($2::text[])`,
    [runId, customerIds, !known],
  );
  return rows.flatMap(({ customerId, outcome: read, context }) => {
    const outcome = read ?? known?.get(customerId);
    if (!outcome) return [];
    return [outcome.kind === "missing" ? outcome : ({ ...outcome, trace: [], ...(context ? { context } : {}) } as Outcome)];
  });
}

async function allocateLocked(pool: pg.Pool, opts: { runId: string; maxCustomers: number; strategy: AllocationStrategy }): Promise<AllocationResult> {
  const { runId, maxCustomers } = opts;
  const run = await readRun(pool, runId);
  if (!run || run.status !== "running" || run.phase !== "allocating") return { isMore: false, summary: null };
  const strategy = run.options.allocationStrategy ?? opts.strategy;
  const catalog = await loadCatalog(pool);
  // Alternatives come from each decision's stored ranking (and the rules when it is used up): no model call here.
  const treatment = createTreatmentAgent({ catalog, model: null, contactPolicy: run.options.isWithoutContactPolicy ? null : await loadContactPolicy(pool) });
  const now = () => new Date();
  const store = createPgCapacityStore(pool);
  // This step's customers (whole batches) in the run's order.
  const share = Math.max(run.options.batchSize, Math.floor(maxCustomers / run.options.batchSize) * run.options.batchSize);
  const experiment = await experimentOfRun(pool, runId);
  const { rows: storedRows } = await pool.query<{ plan: StoredPlan | null }>(`SELECT "allocationPlan" AS plan FROM "Run" WHERE id = $1`, [runId]);
  let stored = storedRows[0]?.plan ?? null;
  let remaining: string[];
  let plan: RunPlan | null;
  let known: Map<string, Outcome> | undefined;
  if (stored) {
    // A later step: the customers the first step ordered that no step has written yet.
    const { rows: saved } = await pool.query<{ customerId: string }>(`SELECT "customerId" FROM "Recommendation" WHERE "runId" = $1`, [runId]);
    const written = new Set(saved.map((r) => r.customerId));
    remaining = stored.order.filter((id) => !written.has(id));
    plan = stored.isPlanned ? runPlanOfStored(stored) : null;
  } else {
    const unsaved = await stagedOutcomes(pool, runId);
    // Before the first hold: prices over all the run's decided customers, for the decisions made until the next run.
    const isFirstStep = unsaved.length === run.total;
    // A run of a few customers pays the prices the last batch run stored instead (bid-price control).
    plan = await planRunByStrategy({ store, runId, outcomes: unsaved, catalog, isFirstStep, strategy, experiment });
    stored = storedPlanOf(plan ? plannedOrder(unsaved, plan) : greedyOrder(unsaved), plan !== null);
    remaining = stored.order;
    known = new Map(unsaved.map((o) => [o.customerId, o]));
    if (remaining.length > share) await pool.query(`UPDATE "Run" SET "allocationPlan" = $2 WHERE id = $1`, [runId, JSON.stringify(stored)]);
  }
  // This step's customers with their contexts; allocateRun serves them in the run's order.
  const outcomes = await stagedOutcomesOf(pool, runId, remaining.slice(0, share), known);
  const saveBatch = createBatchSaver({ store, catalog, treatment, now, runId, controlGroupShare: run.options.controlGroupShare, isInOrder: plan !== null });
  // Missing customers are never written, so they do not count as left once everyone else is.
  const missing = new Set(stored.missing);
  const isMoreLeft = remaining.slice(share).some((id) => !missing.has(id));
  // Progress counts what earlier steps wrote, so the bar never goes back.
  const progress = { ...emptySummary({ runId, policy: run.policy, customers: run.total }), processed: run.total - remaining.length };
  const { isStopped } = await allocateRun({
    strategy: plan ? "optimal" : "greedy",
    ...(plan ? { plan } : {}),
    outcomes,
    batchSize: run.options.batchSize,
    saveBatch,
    afterBatch: async ({ items, saved }) => {
      tallySaved(progress, { items, saved });
      if (saved.error) return { isStopRequested: true };
      const { rows } = await pool.query<{ stop: boolean }>(
        `UPDATE "Run" SET processed = $2, failed = failed + $3 WHERE id = $1
         RETURNING ("cancelRequested" OR ("deadlineAt" IS NOT NULL AND "deadlineAt" < now())) AS stop`,
        [runId, progress.processed, saved.records.filter((r) => r.status === "failed").length],
      );
      return { isStopRequested: rows[0]?.stop ?? true };
    },
  });
  await stampExperimentArms(pool, { runId, experiment });
  if (!isStopped && isMoreLeft) return { isMore: true };
  return { isMore: false, summary: await finishRun(pool, { run, isStopped }) };
}

/**
 * How many earlier recommendations run $1 superseded: the run's recommendations are found first (by
 * run), then the rows each superseded through the supersededById index, in time proportional to
 * the run. Joined instead, the planner (its statistics taken before the run's rows existed) chose a
 * scan of every recommendation ever written.
 */
export const SUPERSEDED_BY_RUN_SQL = `
  SELECT count(*)::int AS n FROM "Recommendation" e
   WHERE e."supersededById" = ANY(ARRAY(SELECT id FROM "Recommendation" WHERE "runId" = $1))`;

/** Ends an allocated run with a summary counted from its staged outcomes and stored recommendations; its staging goes. */
async function finishRun(pool: pg.Pool, opts: { run: RunRow; isStopped: boolean }): Promise<RunSummary> {
  const { run } = opts;
  const items = await talliedOutcomes(pool, run.id);
  const { rows: records } = await pool.query<{ customerId: string; status: "pending_review" | "no_action" | "failed"; failureReason: string | null; treatmentKey: string | null; fallbackPath: unknown; expectedValue: string }>(
    `SELECT "customerId", status::text, "failureReason", "treatmentKey", "fallbackPath", "expectedValue" FROM "Recommendation" WHERE "runId" = $1 ORDER BY "createdAt", id`,
    [run.id],
  );
  const { rows: superseded } = await pool.query<{ n: number }>(SUPERSEDED_BY_RUN_SQL, [run.id]);
  const saved = new Set(records.map((r) => r.customerId));
  const summary = emptySummary({ runId: run.id, policy: run.policy, customers: run.total });
  // A cancelled run counts only the customers it wrote; the rest were decided and let go.
  tallyRun(summary, {
    items: opts.isStopped ? items.filter((i) => i.kind !== "missing" && saved.has(i.customerId)) : items,
    records: records.map((r) => ({ ...r, expectedValue: Number(r.expectedValue) })),
    superseded: superseded[0]?.n ?? 0,
  });
  summary.isCancelled = opts.isStopped && summary.processed < run.total;
  const { rows: breaker } = await pool.query<{ faults: number; pauses: number; skippedCalls: number }>(
    `SELECT "modelFaults" AS faults, "modelPauses" AS pauses, "modelSkippedCalls" AS "skippedCalls" FROM "Run" WHERE id = $1`,
    [run.id],
  );
  if (breaker[0] && (run.policy === "llm" || breaker[0].faults > 0)) summary.modelBreaker = breaker[0];
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ durationMs: number }>(
      `UPDATE "Run" SET status = $2::"RunStatus", processed = $3, failed = $4, summary = ${summaryWithDuration("$5")}, "finishedAt" = now(), "allocationPlan" = NULL,
              error = CASE WHEN $2 = 'cancelled' AND NOT "cancelRequested" THEN $6 ELSE error END
        WHERE id = $1 AND status = 'running' RETURNING (summary->>'durationMs')::float8 AS "durationMs"`,
      [run.id, summary.isCancelled ? "cancelled" : "completed", summary.processed, summary.byStatus.failed, JSON.stringify(summary), DEADLINE_REASON],
    );
    if (rows[0]) {
      summary.durationMs = rows[0].durationMs;
      await dropStaging(client, run.id);
    }
  });
  return summary;
}
