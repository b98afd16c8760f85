// Runs: choosing the customers, executing the orchestrator over them, and recording progress,
// cancellation and the summary on the Run row.
import type pg from "pg";
import { z } from "zod";
import { type PolicyKind, patternKeys } from "../agents/domain";
import type { RunProgress, RunSummary } from "../agents/orchestrator/messages";
import { type OrchestratorDeps, createOrchestrator } from "../agents/orchestrator";
import type { ChatModel } from "../agents/ports";
import type { ContactPolicy } from "../agents/rules/contact-policy";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { writeAudit } from "../audit/write";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
import { loadCatalog } from "./catalog";
import { loadContactPolicy } from "./contact-policy";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { createPgCapacityStore } from "./pg-capacity-store";
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
 * Customer ids in scope (with a limit, the first ones by id), in the order the run serves them:
 * the most valuable first (value tier, then monthly revenue), so that scarce capacity reaches them
 * before earlier batches of lesser customers use it up. Within a batch, priority decides.
 */
export async function selectCustomers(pool: Pick<pg.ClientBase, "query">, scope: RunScope): Promise<string[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (scope.customerIds) where.push(`id = ANY($${params.push(scope.customerIds)}::text[])`);
  if (scope.segment) where.push(`segment = $${params.push(scope.segment)}`);
  if (scope.valueTier) where.push(`"valueTier" = $${params.push(scope.valueTier)}::"ValueTier"`);
  // Pattern and risk come from the stored insights: a customer no run has analysed yet has neither.
  const insight: string[] = [];
  if (scope.pattern) insight.push(`i.patterns @> ARRAY[$${params.push(scope.pattern)}]::text[]`);
  if (scope.minRisk !== undefined) insight.push(`i."churnRisk" >= $${params.push(scope.minRisk)}`);
  if (insight.length) where.push(`EXISTS (SELECT 1 FROM "CustomerInsight" i WHERE i."customerId" = "Customer".id AND ${insight.join(" AND ")})`);
  if (scope.segmentId) {
    const segment = await loadSegment(pool, scope.segmentId);
    if (!segment) throw new RunRequestError(`No saved segment has the id ${scope.segmentId}.`);
    where.push(segmentWhere(segment, { customerId: `"Customer".id`, params }));
  }
  const limit = scope.limit ? ` LIMIT $${params.push(scope.limit)}` : "";
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM (
       SELECT id, "valueTier", "monthlyRevenue" FROM "Customer" ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id${limit}
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
  opts: { scope: RunScope; policy: PolicyKind; /** Who asked: recorded on the run and audited in its own transaction. None for the command line. */ actor?: { id: string | null; label: string } },
): Promise<{ runId: string; customerIds: string[] }> {
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
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Run" (id, status, policy, scope, total, "requestedById") VALUES (gen_random_uuid(), 'queued', $1::"PolicyKind", $2, $3, $4) RETURNING id`,
      [opts.policy, JSON.stringify(scope), customerIds.length, opts.actor?.id ?? null],
    );
    const runId = rows[0]!.id;
    if (opts.actor) {
      // The scope as asked, not the expanded customer list: a run over 100,000 customers stays one small entry.
      const { customerIds: named, ...rest } = scope;
      const asked = named ? { ...rest, customers: named.length <= 20 ? named : `${named.length} customers` } : rest;
      await writeAudit(client, { actor: opts.actor, action: "run.start", entityType: "Run", entityId: runId, before: null, after: { status: "queued", policy: opts.policy, scope: asked, total: customerIds.length } });
    }
    return { runId, customerIds };
  });
}

function pgProgress(pool: pg.Pool): RunProgress {
  return {
    async report({ runId, processed, failed }) {
      const { rows } = await pool.query<{ cancelRequested: boolean }>(
        `UPDATE "Run" SET processed = $2, failed = $3 WHERE id = $1 RETURNING "cancelRequested"`,
        [runId, processed, failed],
      );
      return { isCancelRequested: rows[0]?.cancelRequested ?? false };
    },
  };
}

export type ExecuteOptions = {
  runId: string;
  customerIds: string[];
  policy: PolicyKind;
  model: ChatModel | null;
  concurrency?: number;
  batchSize?: number;
  /** Customers per data load (and per chunk handed to `decideMany`). */
  chunkSize?: number;
  /** Decides chunks elsewhere, for example on worker threads (see workers/decide-workers.ts). */
  decideMany?: OrchestratorDeps["decideMany"];
  /** The contact policy to decide under; absent reads the one in force, null decides without one (the benchmark's comparison). */
  contactPolicy?: ContactPolicy | null;
  /** Share of customers held out in the standing control group (CONTROL_GROUP_SHARE for runs people start); absent holds out nobody. */
  controlGroupShare?: number;
};

/** Executes a created run to the end (completed, cancelled or failed) and returns its summary. */
export async function executeRun(pool: pg.Pool, opts: ExecuteOptions): Promise<RunSummary | null> {
  await pool.query(`UPDATE "Run" SET status = 'running', "startedAt" = now() WHERE id = $1`, [opts.runId]);
  try {
    const catalog = await loadCatalog(pool);
    const orchestrator = createOrchestrator({
      data: createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: 2000 }) }),
      journey: createJourneyAgent(),
      treatment: createTreatmentAgent({ catalog, model: opts.policy === "llm" ? opts.model : null, contactPolicy: opts.contactPolicy !== undefined ? opts.contactPolicy : await loadContactPolicy(pool) }),
      capacity: createPgCapacityStore(pool),
      catalog,
      progress: pgProgress(pool),
      policy: opts.policy,
      concurrency: opts.concurrency ?? (opts.policy === "llm" ? 16 : 4),
      batchSize: opts.batchSize,
      chunkSize: opts.chunkSize,
      decideMany: opts.decideMany,
      controlGroupShare: opts.controlGroupShare,
    });
    const response = await orchestrator.process({ type: "process_run", runId: opts.runId, customerIds: opts.customerIds });
    if (!response.ok) throw new Error(response.error.reason);
    const summary = response.data;
    await pool.query(
      `UPDATE "Run" SET status = $2::"RunStatus", processed = $3, failed = $4, summary = $5, "finishedAt" = now() WHERE id = $1`,
      [opts.runId, summary.isCancelled ? "cancelled" : "completed", summary.processed, summary.byStatus.failed, JSON.stringify(summary)],
    );
    return summary;
  } catch (err) {
    await pool.query(`UPDATE "Run" SET status = 'failed', error = $2, "finishedAt" = now() WHERE id = $1`, [opts.runId, (err as Error).message.slice(0, 2000)]);
    return null;
  }
}

/**
 * Asks a queued or running run to stop after its current batch, writing the request and its audit
 * entry in one transaction. A request already standing changes nothing; a run that ended is refused
 * with an AppError naming its status, and an unknown one with not_found.
 */
export async function requestCancel(pool: pg.Pool, opts: { runId: string; actor: { id: string | null; label: string } }): Promise<{ isAlreadyRequested: boolean }> {
  const { runId, actor } = opts;
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ status: string; cancelRequested: boolean }>(`SELECT status::text AS status, "cancelRequested" FROM "Run" WHERE id = $1 FOR UPDATE`, [runId]);
    const run = rows[0];
    if (!run) throw new AppError({ code: "not_found", userMessage: "This run does not exist." });
    if (run.status !== "queued" && run.status !== "running") {
      throw new AppError({ code: "conflict", userMessage: `This run already ended (${run.status}); there is nothing to cancel.` });
    }
    if (run.cancelRequested) return { isAlreadyRequested: true };
    await client.query(`UPDATE "Run" SET "cancelRequested" = true WHERE id = $1`, [runId]);
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

/**
 * Marks runs left running by a stopped server as failed. Their committed batches stand: each batch
 * wrote its recommendations and holds in one transaction.
 */
export async function failInterruptedRuns(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE "Run" SET status = 'failed', error = 'Interrupted: the server stopped during the run. Batches finished before that were kept.', "finishedAt" = now()
      WHERE status IN ('queued', 'running')`,
  );
  return rowCount ?? 0;
}
