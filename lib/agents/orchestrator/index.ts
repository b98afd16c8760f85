// The orchestrator: for each customer, data → journey → permissions → recommendation → capacity,
// following the fallback chain until a treatment is held or the answer is no action. A run is two
// steps: deciding (decide.ts, a chunk at a time in run-loop.ts, no capacity taken), then allocating
// over the whole run (allocate-run.ts) in batches (allocate.ts, save-batch.ts), each one transaction
// that serves its customers in priority order and writes their recommendations with it; tally.ts
// sums up the run. The queue runs the same steps as separate jobs (lib/jobs).
import { z } from "zod";
import type { CapacityStore } from "../allocation/ports";
import type { TreatmentDefinition } from "../domain";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "../protocol";
import { type DeciderDeps, type Outcome, createDecider } from "./decide";
import type { OrchestratorMessage, OrchestratorResponse, RunProgress, RunSummary } from "./messages";
import { allocateRun } from "./allocate-run";
import { decideChunk } from "./run-loop";
import { createBatchSaver } from "./save-batch";
import { emptySummary, tallySaved } from "./tally";

export { createDecider } from "./decide";
export type { Decided, DeciderDeps, Failed, Missing, Outcome } from "./decide";
export { type AllocationStrategy, type RunPlan, allocateRun, greedyOrder, plannedOrder } from "./allocate-run";
export { decideChunk } from "./run-loop";
export { createBatchSaver, type SavedBatch } from "./save-batch";
export { type TalliedOutcome, emptySummary, talliedOf, tallyRun, tallySaved } from "./tally";

export type OrchestratorDeps = DeciderDeps & {
  capacity: CapacityStore;
  catalog: TreatmentDefinition[];
  progress: RunProgress;
  /** Customers decided at once (each may wait on the model). */
  concurrency?: number;
  /** Decisions per capacity transaction. */
  batchSize?: number;
  /** Customers loaded per data round trip. */
  chunkSize?: number;
  /** Share of customers held out in the standing control group (control-group.ts); absent holds out nobody. */
  controlGroupShare?: number;
};

export type Orchestrator = Agent<OrchestratorMessage, OrchestratorResponse>;

const messageSchemas = {
  process_customer: z.object({ type: z.literal("process_customer"), runId: z.string().uuid(), customerId: z.string().min(1).max(200) }),
  process_run: z.object({ type: z.literal("process_run"), runId: z.string().uuid(), customerIds: z.array(z.string().min(1).max(200)).max(5_000_000) }),
};

const invalidMessage = (type: OrchestratorMessage["type"], error: z.ZodError) =>
  fail(type, "invalid_message", error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")) as OrchestratorResponse;

/** The orchestrator agent over the given agents and stores. */
export function createOrchestrator(deps: OrchestratorDeps): Orchestrator {
  const now = deps.clock ?? (() => new Date());
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  const batchSize = Math.max(1, deps.batchSize ?? 250);
  const chunkSize = Math.max(1, deps.chunkSize ?? 500);
  const { decide } = createDecider(deps);

  async function run(runId: string, requested: string[]): Promise<RunSummary> {
    const started = performance.now();
    // Each customer is decided once per run, however often the id was given.
    const customerIds = [...new Set(requested)];
    const summary = emptySummary({ runId, policy: deps.policy, customers: customerIds.length });
    const saveBatch = createBatchSaver({ store: deps.capacity, catalog: deps.catalog, treatment: deps.treatment, now, runId, controlGroupShare: deps.controlGroupShare });
    const outcomes: Outcome[] = [];
    for (let start = 0; start < customerIds.length; start += chunkSize) {
      const chunk = await decideChunk({
        runId,
        customerIds: customerIds.slice(start, start + chunkSize),
        concurrency,
        decide,
        prefetch: (ids) => deps.data.process({ type: "prefetch_customers", customerIds: ids }),
        isStopRequested: async () => false,
      });
      outcomes.push(...chunk.outcomes);
    }
    const { isStopped } = await allocateRun({
      strategy: "greedy",
      outcomes,
      batchSize,
      saveBatch,
      afterBatch: async ({ items, saved }) => {
        tallySaved(summary, { items, saved });
        if (saved.error) return { isStopRequested: true };
        const answer = await deps.progress.report({ runId, processed: summary.processed, failed: summary.byStatus.failed });
        return { isStopRequested: answer.isCancelRequested };
      },
    });
    summary.isCancelled = isStopped && summary.processed < customerIds.length;
    summary.durationMs = Math.round(performance.now() - started);
    return summary;
  }

  const handlers: HandlerMap<OrchestratorMessage, OrchestratorResponse> = {
    process_customer: async (m) => {
      const parsed = messageSchemas.process_customer.safeParse(m);
      if (!parsed.success) return invalidMessage(m.type, parsed.error);
      const summary = await run(parsed.data.runId, [parsed.data.customerId]);
      if (summary.missingCustomers.length > 0) return fail(m.type, "not_found", `Customer ${parsed.data.customerId} does not exist`) as OrchestratorResponse;
      return ok(m.type, summary);
    },
    process_run: async (m) => {
      const parsed = messageSchemas.process_run.safeParse(m);
      if (!parsed.success) return invalidMessage(m.type, parsed.error);
      return ok(m.type, await run(parsed.data.runId, parsed.data.customerIds));
    },
  };

  return { name: "orchestrator", process: (message) => dispatch("orchestrator", handlers, message) };
}
