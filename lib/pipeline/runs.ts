// Runs: choosing the customers, creating the run (and, through the queue, its jobs), executing it
// in-process through the same steps as the jobs, and recording cancellation on the Run row.
import type pg from "pg";
import { z } from "zod";
import { type PolicyKind, patternKeys } from "../agents/domain";
import type { AllocationStrategy } from "../agents/orchestrator/allocate-run";
import type { RunSummary } from "../agents/orchestrator/messages";
import type { ChatModel } from "../agents/ports";
import type { ContactPolicy } from "../agents/rules/contact-policy";
import { writeAudit } from "../audit/write";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
import { type RunOptions, allocateRunStep, decideRunChunk, defaultRunOptions, failRun, readRun, stopDecidingRun } from "../jobs/steps";
import { loadSegment, segmentWhere } from "./segments";

export const runScopeSchema = z
  .object({
    customerIds: z.array(z.string().trim().min(1).max(200)).min(1).max(10_000).optional(),
    segment: z.string().trim().min(1).max(100).optional(),
    valueTier: z.enum(["low", "medium", "high", "premium"]).optional(),
    /** Only customers whose stored journey insight shows this pattern. */
    pattern: z.enum(patternKeys).optional(),
    /** Only customers whose stored churn risk is at least this, in [0, 1]. */
    minRisk: z.number().min(0).max(1).optional(),
    /** Only the members of this saved segment (lib/pipeline/segments.ts), as its rule or model reads them now. */
    segmentId: z.uuid().optional(),
    /** At most this many customers (in id order). */
    limit: z.number().int().min(1).max(5_000_000).optional(),
  })
  .strict();

export type RunScope = z.infer<typeof runScopeSchema>;
export type PolicyChoice = "auto" | PolicyKind;

export class RunRequestError extends Error {}

/** The policy a run will use: the model when one is configured (or required), the rules otherwise. */
export function resolvePolicy(choice: PolicyChoice, model: ChatModel | null): PolicyKind {
  if (choice === "llm" && !model) throw new RunRequestError("No language model is configured (set OPENAI_API_KEY); choose the deterministic policy.");
  if (choice === "rules") return "rules";
  return model ? "llm" : "rules";
}

/**
 * The scope's conditions over the customer alias `c`, its limit aside: what a run selects and what
 * its preview counts and samples. Throws RunRequestError for a saved segment that does not exist.
 */
export async function runScopeConditions(pool: Pick<pg.ClientBase, "query">, scope: RunScope, params: unknown[]): Promise<string[]> {
  const where: string[] = [];
  if (scope.customerIds) where.push(`c.id = ANY($${params.push(scope.customerIds)}::text[])`);
  if (scope.segment) where.push(`c.segment = $${params.push(scope.segment)}`);
  if (scope.valueTier) where.push(`c."valueTier" = $${params.push(scope.valueTier)}::"ValueTier"`);
  // Pattern and risk come from the stored insights: a customer no run has analysed yet has neither.
  const insight: string[] = [];
  if (scope.pattern) insight.push(`i.patterns @> ARRAY[$${params.push(scope.pattern)}]::text[]`);
  if (scope.minRisk !== undefined) insight.push(`i."churnRisk" >= $${params.push(scope.minRisk)}`);
  if (insight.length) where.push(`EXISTS (SELECT 1 FROM "CustomerInsight" i WHERE i."customerId" = c.id AND ${insight.join(" AND ")})`);
  if (scope.segmentId) {
    const segment = await loadSegment(pool, scope.segmentId);
    if (!segment) throw new RunRequestError(`No saved segment has the id ${scope.segmentId}.`);
    where.push(segmentWhere(segment, { customerId: "c.id", params }));
  }
  return where;
}

/**
 * Customer ids in scope (with a limit, the first ones by id), in the order the run serves them:
 * the most valuable first (value tier, then monthly revenue), so that scarce capacity reaches them
 * before earlier batches of lesser customers use it up. Within a batch, priority decides.
 */
export async function selectCustomers(pool: Pick<pg.ClientBase, "query">, scope: RunScope): Promise<string[]> {
  const params: unknown[] = [];
  const where = await runScopeConditions(pool, scope, params);
  const limit = scope.limit ? ` LIMIT $${params.push(scope.limit)}` : "";
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM (
       SELECT c.id, c."valueTier", c."monthlyRevenue" FROM "Customer" c ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY c.id${limit}
     ) chosen
     ORDER BY "valueTier" DESC, "monthlyRevenue" DESC, id`,
    params,
  );
  return rows.map((r) => r.id);
}

/**
 * Advisory lock key of "a demo reset is replacing the tables": the reset holds it exclusively, a run
 * being created holds it shared, so neither starts while the other is under way.
 */
export const DEMO_RESET_LOCK_KEY = 7_204_311;

/**
 * Creates a queued run over `scope`, each customer once; refuses an empty scope, unknown customers
 * and a demo reset in progress. Returns its id and customers.
 */
export async function createRun(
  pool: pg.Pool,
  opts: {
    scope: RunScope;
    policy: PolicyKind;
    /** Who asked: recorded on the run and audited in its own transaction. None for the command line. */
    actor?: { id: string | null; label: string };
    /** How its steps work; the policy's defaults for what is not given. */
    options?: Partial<RunOptions>;
    /** Seconds from now the run may take (runs through the queue pass RUN_DEADLINE_SECONDS); none when unset. */
    deadlineSeconds?: number;
    /** The ended run this one repeats ("Run again"), named in the audit entry. */
    againOf?: string;
    /** Runs inside the creating transaction (the queue enqueues the run's jobs here, so a run exists exactly when its jobs do). */
    onCreated?: (client: pg.PoolClient, run: { runId: string; customerIds: string[]; options: RunOptions }) => Promise<void>;
  },
): Promise<{ runId: string; customerIds: string[]; options: RunOptions }> {
  // A customer named twice is decided once: the orchestrator keeps one recommendation per customer and run.
  const scope: RunScope = opts.scope.customerIds ? { ...opts.scope, customerIds: [...new Set(opts.scope.customerIds)] } : opts.scope;
  return withTransaction(pool, async (client) => {
    // Held until commit: a reset that starts after it sees this run as queued and refuses.
    const { rows: lock } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock_shared($1) AS ok`, [DEMO_RESET_LOCK_KEY]);
    if (!lock[0]?.ok) throw new RunRequestError("A demo reset is in progress; try again in a moment.");
    const customerIds = await selectCustomers(client, scope);
    if (scope.customerIds) {
      const found = new Set(customerIds);
      const missing = scope.customerIds.filter((id) => !found.has(id));
      if (missing.length > 0) throw new RunRequestError(`Unknown customer${missing.length > 1 ? "s" : ""}: ${missing.slice(0, 5).join(", ")}`);
    }
    if (customerIds.length === 0) throw new RunRequestError("No customer matches this selection.");
    const options: RunOptions = { ...defaultRunOptions(opts.policy), ...opts.options };
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Run" (id, status, policy, scope, total, "requestedById", options, "deadlineAt")
       VALUES (gen_random_uuid(), 'queued', $1::"PolicyKind", $2, $3, $4, $5, now() + make_interval(secs => $6::float8)) RETURNING id`,
      [opts.policy, JSON.stringify(scope), customerIds.length, opts.actor?.id ?? null, JSON.stringify(options), opts.deadlineSeconds ?? null],
    );
    const runId = rows[0]!.id;
    if (opts.actor) {
      // The scope as asked, not the expanded customer list: a run over 100,000 customers stays one small entry.
      const { customerIds: named, ...rest } = scope;
      const asked = named ? { ...rest, customers: named.length <= 20 ? named : `${named.length} customers` } : rest;
      await writeAudit(client, { actor: opts.actor, action: "run.start", entityType: "Run", entityId: runId, before: null, after: { status: "queued", policy: opts.policy, scope: asked, total: customerIds.length, ...(opts.againOf ? { againOf: opts.againOf } : {}) } });
    }
    await opts.onCreated?.(client, { runId, customerIds, options });
    return { runId, customerIds, options };
  });
}

export type ExecuteOptions = {
  runId: string;
  customerIds: string[];
  policy: PolicyKind;
  model: ChatModel | null;
  concurrency?: number;
  batchSize?: number;
  /** Customers per decided chunk (one decide job's worth). */
  chunkSize?: number;
  /** The contact policy to decide under; absent reads the one in force, null decides without one (the benchmark's comparison). */
  contactPolicy?: ContactPolicy | null;
  /** Share of customers held out in the standing control group (CONTROL_GROUP_SHARE for runs people start); absent holds out nobody. */
  controlGroupShare?: number;
  /** How the allocation shares capacity out; "optimal" when absent. */
  allocationStrategy?: AllocationStrategy;
};

/**
 * Executes a created run to the end in this process, through the same decide and allocate steps
 * the queue's jobs run (lib/jobs/steps.ts), one chunk after another: for tests, the benchmark's
 * direct rows and data set-up. Returns the summary of a completed or cancelled run, null for a
 * failed one (its reason is on the run).
 */
export async function executeRun(pool: pg.Pool, opts: ExecuteOptions): Promise<RunSummary | null> {
  const options: RunOptions = {
    ...defaultRunOptions(opts.policy),
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.controlGroupShare !== undefined ? { controlGroupShare: opts.controlGroupShare } : {}),
    ...(opts.contactPolicy === null ? { isWithoutContactPolicy: true } : {}),
    ...(opts.allocationStrategy ? { allocationStrategy: opts.allocationStrategy } : {}),
  };
  await pool.query(`UPDATE "Run" SET options = $2 WHERE id = $1`, [opts.runId, JSON.stringify(options)]);
  try {
    const customerIds = [...new Set(opts.customerIds)];
    for (let start = 0; start < customerIds.length; start += options.chunkSize) {
      const result = await decideRunChunk(pool, { runId: opts.runId, customerIds: customerIds.slice(start, start + options.chunkSize), model: opts.model, contactPolicy: opts.contactPolicy });
      if (result === "stopped") break;
    }
    while ((await allocateRunStep(pool, { runId: opts.runId })).isMore);
  } catch (err) {
    await failRun(pool, opts.runId, (err as Error).message);
  }
  const { rows } = await pool.query<{ status: string; summary: RunSummary | null }>(`SELECT status::text, summary FROM "Run" WHERE id = $1`, [opts.runId]);
  const run = rows[0];
  if (!run || run.status === "failed") return null;
  if (run.status !== "completed" && run.status !== "cancelled") {
    // A run whose customers were not all staged (one vanished meanwhile) cannot allocate: say so.
    await failRun(pool, opts.runId, "The run stopped before every customer was decided.");
    return null;
  }
  return run.summary;
}

/**
 * Asks a queued or running run to stop: one still deciding ends cancelled at once (no capacity was
 * held), one allocating stops after its current batch. Writes the request and its audit
 * entry in one transaction. A request already standing changes nothing; a run that ended is refused
 * with an AppError naming its status, and an unknown one with not_found.
 */
export async function requestCancel(pool: pg.Pool, opts: { runId: string; actor: { id: string | null; label: string } }): Promise<{ isAlreadyRequested: boolean }> {
  const { runId, actor } = opts;
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ status: string; cancelRequested: boolean }>(`SELECT status::text AS status, "cancelRequested" FROM "Run" WHERE id = $1 FOR NO KEY UPDATE`, [runId]);
    const run = rows[0];
    if (!run) throw new AppError({ code: "not_found", userMessage: "This run does not exist." });
    // A second click after the first ended the run is the same request, not a new one to refuse.
    if (run.cancelRequested) return { isAlreadyRequested: true };
    if (run.status !== "queued" && run.status !== "running") {
      throw new AppError({ code: "conflict", userMessage: `This run already ended (${run.status}); there is nothing to cancel.` });
    }
    await client.query(`UPDATE "Run" SET "cancelRequested" = true WHERE id = $1`, [runId]);
    // Still deciding, nothing is held yet: the run ends now, and a chunk landing later finds it ended
    // (a chunk locks this row before counting what it staged, and rolls back). An allocating run stops after its current batch.
    const locked = await readRun(client, runId);
    if (locked && locked.phase === "deciding") await stopDecidingRun(client, locked);
    await writeAudit(client, {
      actor,
      action: "run.cancel_requested",
      entityType: "Run",
      entityId: runId,
      before: { status: run.status, cancelRequested: false },
      after: { cancelRequested: true },
    });
    return { isAlreadyRequested: false };
  });
}
