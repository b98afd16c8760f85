// The allocation step of a run: every decided customer of the run, known before any capacity is
// taken, is served in one order over the whole run, batch by batch through the batch saver (each
// batch one capacity transaction with its recommendations). A strategy names how the order and the
// holds are chosen; "greedy" is priority order with the fallback chain, "optimal" follows a plan of
// the whole run (lib/agents/allocation/optimize.ts) and still holds through the same chain, so the
// capacity lock, not the plan, decides whether a unit is granted.
import type { PlanChoice } from "../allocation/plan";
import type { Decided, Outcome } from "./decide";
import type { SavedBatch } from "./save-batch";

/**
 * How a run's capacity is shared out: "greedy" holds in priority order, each customer's best
 * treatment that still fits; "optimal" holds the run's plan in its order.
 */
export type AllocationStrategy = "greedy" | "optimal";

/** A plan of the run's customers: what each is planned to get, the order to hold in, and why better options were set aside. */
export type RunPlan = {
  choices: ReadonlyMap<string, PlanChoice>;
  order: readonly string[];
  /** Per customer, the sentence and the GBP price of each option set aside for capacity. */
  setAside(customerId: string): { reasons: Record<string, string>; prices: Record<string, number> } | null;
};

export type AllocateRunOptions = {
  strategy: AllocationStrategy;
  /** The plan the "optimal" strategy follows; without one it holds like "greedy". */
  plan?: RunPlan;
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

/**
 * The plan's order for the customers it planned (regular customers first, so a high-value one
 * never takes a regular customer's planned unit from the general pool), each decided customer's
 * fallback chain starting from its planned treatment; the rest follow in greedy order.
 */
export function plannedOrder(outcomes: Outcome[], plan: RunPlan): Outcome[] {
  const position = new Map(plan.order.map((id, i) => [id, i]));
  const planned: Outcome[] = [];
  const rest: Outcome[] = [];
  for (const o of outcomes) (o.kind === "decided" && position.has(o.customerId) ? planned : rest).push(o);
  planned.sort((a, b) => position.get(a.customerId)! - position.get(b.customerId)!);
  return [...planned.map((o) => withPlan(o as Decided, plan)), ...greedyOrder(rest)];
}

function withPlan(item: Decided, plan: RunPlan): Decided {
  const choice = plan.choices.get(item.customerId);
  const setAside = plan.setAside(item.customerId);
  if (!choice || choice.passedOver.length === 0 || !setAside) return item;
  return { ...item, setAside: { keys: [...choice.passedOver], reasons: setAside.reasons, prices: setAside.prices } };
}

async function allocateInOrder(opts: AllocateRunOptions, ordered: Outcome[]): Promise<{ isStopped: boolean }> {
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
  greedy: (opts) => allocateInOrder(opts, greedyOrder(opts.outcomes)),
  optimal: (opts) => allocateInOrder(opts, opts.plan ? plannedOrder(opts.outcomes, opts.plan) : greedyOrder(opts.outcomes)),
};

/** Holds capacity for a run's decided customers by `strategy`; `isStopped` when a stop came before the last batch. */
export function allocateRun(opts: AllocateRunOptions): Promise<{ isStopped: boolean }> {
  return strategies[opts.strategy](opts);
}
