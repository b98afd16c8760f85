// The allocation step of a run: every decided customer of the run, known before any capacity is
// taken, is served in one order over the whole run, batch by batch through the batch saver (each
// batch one capacity transaction with its recommendations). A strategy names how the order and the
// holds are chosen; "greedy" is priority order with the fallback chain.
import type { Outcome } from "./decide";
import type { SavedBatch } from "./save-batch";

/** How a run's capacity is shared out: "greedy" holds in priority order, each customer's best treatment that still fits. */
export type AllocationStrategy = "greedy";

export type AllocateRunOptions = {
  strategy: AllocationStrategy;
  /** The run's decided customers still without a recommendation, in any order. */
  outcomes: Outcome[];
  /** Customers per capacity transaction. */
  batchSize: number;
  saveBatch(items: Outcome[]): Promise<SavedBatch>;
  /** Told of each saved batch; answers whether the run must stop (a cancel or its deadline). */
  afterBatch(batch: { items: Outcome[]; saved: SavedBatch }): Promise<{ isStopRequested: boolean }>;
};

/**
 * Greedy order: high-value customers first (the reserve is kept for them), then by GBP of lifetime
 * value at risk, highest first; ties by customer id so a retried allocation serves the same order.
 * Failed and missing customers take no capacity and come last.
 */
export function greedyOrder(outcomes: Outcome[]): Outcome[] {
  const rank = (o: Outcome) => (o.kind === "decided" ? 0 : o.kind === "failed" ? 1 : 2);
  return [...outcomes].sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.kind === "decided" && b.kind === "decided") {
      if (a.isHighValue !== b.isHighValue) return a.isHighValue ? -1 : 1;
      if (a.priority !== b.priority) return b.priority - a.priority;
    }
    return a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;
  });
}

async function allocateGreedy(opts: AllocateRunOptions): Promise<{ isStopped: boolean }> {
  const ordered = greedyOrder(opts.outcomes);
  const batchSize = Math.max(1, opts.batchSize);
  for (let start = 0; start < ordered.length; start += batchSize) {
    const items = ordered.slice(start, start + batchSize);
    const saved = await opts.saveBatch(items);
    const answer = await opts.afterBatch({ items, saved });
    if (saved.error) throw saved.error;
    if (answer.isStopRequested && start + batchSize < ordered.length) return { isStopped: true };
  }
  return { isStopped: false };
}

const strategies: Record<AllocationStrategy, (opts: AllocateRunOptions) => Promise<{ isStopped: boolean }>> = {
  greedy: allocateGreedy,
};

/** Holds capacity for a run's decided customers by `strategy`; `isStopped` when a stop came before the last batch. */
export function allocateRun(opts: AllocateRunOptions): Promise<{ isStopped: boolean }> {
  return strategies[opts.strategy](opts);
}
