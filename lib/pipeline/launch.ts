// Starting runs from the app: a run over a selection goes on in the background (it survives the
// browser tab that started it), a run for one customer is awaited so its answer can be shown.
import type pg from "pg";
import { z } from "zod";
import type { ChatModel } from "../agents/ports";
import type { RunSummary } from "../agents/orchestrator/messages";
import { type PolicyChoice, RunRequestError, createRun, executeRun, resolvePolicy, runScopeSchema } from "./runs";

export type LaunchDeps = {
  pool: pg.Pool;
  model: ChatModel | null;
  /** Called when a background run fails outside the run's own error handling. */
  onBackgroundError?: (err: unknown, runId: string) => void;
  /** Customers per committed batch; the orchestrator's default when unset. */
  batchSize?: number;
  /** Share of customers held out in the standing control group; absent holds out nobody. */
  controlGroupShare?: number;
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

/** Background runs of this process, so a shutdown or a test can wait for them. */
const inFlight = new Map<string, Promise<RunSummary | null>>();

/** Resolves when every background run started by this process has ended. */
export async function waitForBackgroundRuns(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
}

/**
 * Creates a run over `scope` and executes it in the background. Returns once the run row exists,
 * so the caller can show its progress. Refuses an empty selection or an unavailable policy.
 */
export async function startPipelineRun(
  deps: LaunchDeps,
  input: StartRunInput & { actor?: { id: string | null; label: string } },
): Promise<{ runId: string; total: number; policy: "llm" | "rules" }> {
  const parsed = startRunInputSchema.parse({ scope: input.scope, policy: input.policy });
  const policy = resolvePolicy(parsed.policy as PolicyChoice, deps.model);
  const { runId, customerIds } = await createRun(deps.pool, { scope: parsed.scope, policy, actor: input.actor });
  const execution = executeRun(deps.pool, { runId, customerIds, policy, model: deps.model, batchSize: deps.batchSize, controlGroupShare: deps.controlGroupShare })
    .catch((err: unknown) => {
      deps.onBackgroundError?.(err, runId);
      return null;
    })
    .finally(() => inFlight.delete(runId));
  inFlight.set(runId, execution);
  return { runId, total: customerIds.length, policy };
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

/** Runs the pipeline for one customer and waits for its recommendation. */
export async function runPipelineForCustomer(deps: LaunchDeps, input: CustomerRunInput & { actor?: { id: string | null; label: string } }): Promise<CustomerRunResult> {
  const parsed = customerRunInputSchema.parse({ customerId: input.customerId, policy: input.policy });
  const policy = resolvePolicy(parsed.policy as PolicyChoice, deps.model);
  const { runId, customerIds } = await createRun(deps.pool, { scope: { customerIds: [parsed.customerId] }, policy, actor: input.actor });
  const summary = await executeRun(deps.pool, { runId, customerIds, policy, model: deps.model, controlGroupShare: deps.controlGroupShare });
  if (!summary) {
    const { rows } = await deps.pool.query<{ error: string | null }>(`SELECT error FROM "Run" WHERE id = $1`, [runId]);
    throw new RunRequestError(`The run failed: ${rows[0]?.error ?? "unknown reason"}`);
  }
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
