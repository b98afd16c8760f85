// The orchestrator: for each customer, data → journey → permissions → recommendation → capacity,
// following the fallback chain until a treatment is held or the answer is no action. Decisions
// are made concurrently (decide.ts); capacity is taken in batches (allocate.ts, save-batch.ts),
// each one transaction that serves its customers in priority order and writes their
// recommendations with it; run-loop.ts schedules the two, tally.ts sums up the run.
import { z } from "zod";
import type { CapacityStore } from "../allocation/ports";
import type { TreatmentDefinition } from "../domain";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "../protocol";
import { type DeciderDeps, type Outcome, createDecider } from "./decide";
import type { OrchestratorMessage, OrchestratorResponse, RunProgress, RunSummary } from "./messages";
import { runLoop } from "./run-loop";
import { createBatchSaver } from "./save-batch";
import { emptySummary, tallySaved } from "./tally";

export { createDecider } from "./decide";
export type { Decided, DeciderDeps, Failed, Missing, Outcome } from "./decide";

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
  /**
   * Decides many customers elsewhere (for example on worker threads, each with its own data,
   * journey and treatment agents); when given, the run sends it chunks of `chunkSize` customers,
   * `concurrency` chunks at once, and only holds capacity and writes here.
   */
  decideMany?: (customerIds: string[]) => Promise<Outcome[]>;
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
    const { isCancelled } = await runLoop({
      runId,
      customerIds,
      concurrency,
      batchSize,
      chunkSize,
      decide,
      decideMany: deps.decideMany,
      prefetch: (ids) => deps.data.process({ type: "prefetch_customers", customerIds: ids }),
      save: async (items) => {
        const saved = await saveBatch(items);
        tallySaved(summary, { items, saved });
        if (saved.error) throw saved.error;
        return deps.progress.report({ runId, processed: summary.processed, failed: summary.byStatus.failed });
      },
    });
    summary.isCancelled = isCancelled && summary.processed < customerIds.length;
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
