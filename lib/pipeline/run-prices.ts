// A batch run's capacity prices: the run's decided customers planned optimally against the limits
// as they stand, and each resource's price stored for the decisions made until the next run.
import { type PlanCustomer, planAllocation, planCustomerOf, planResourceOf } from "../agents/allocation/optimize";
import type { CapacityStore, LpSolver, StoredPrices } from "../agents/allocation/ports";
import type { TreatmentDefinition } from "../agents/domain";
import type { Outcome } from "../agents/orchestrator";
import { createHighsSolver } from "../optimization/highs";

/**
 * Prices every resource for `customers` (GBP per unit; 0 where the run leaves room to spare) and
 * stores them in one capacity transaction, which holds nothing. Returns what was stored.
 */
export async function refreshCapacityPrices(opts: { store: CapacityStore; customers: PlanCustomer[]; solver: LpSolver }): Promise<StoredPrices> {
  return opts.store.transact(async (capacity) => {
    const resources = [...capacity.resources.values()].map(planResourceOf);
    const plan = await planAllocation({ customers: opts.customers, resources, strategy: "optimal" }, { solver: opts.solver });
    const prices = { prices: plan.prices, highValuePrices: plan.highValuePrices };
    return { value: { ...prices, updatedAt: capacity.now }, writes: { prices } };
  });
}

/**
 * Fewer decided customers than this are not a batch: against a whole period's limits they would
 * price every resource at nothing, so such a run (one customer, a handful) pays the stored prices
 * instead of replacing them.
 */
export const MIN_CUSTOMERS_TO_PRICE = 50;

/**
 * The prices of a batch run over its decided customers, stored before it holds anything. Pricing
 * is advice for later decisions, so a failure is logged and the run allocates regardless.
 */
export async function refreshRunPrices(opts: { store: CapacityStore; runId: string; outcomes: readonly Outcome[]; catalog: readonly TreatmentDefinition[]; minCustomers?: number }): Promise<void> {
  const customers = opts.outcomes.flatMap((o) =>
    o.kind === "decided" ? [planCustomerOf({ customerId: o.customerId, isHighValue: o.isHighValue, priority: o.priority, decision: o.decision, catalog: opts.catalog })] : [],
  );
  if (customers.length < (opts.minCustomers ?? MIN_CUSTOMERS_TO_PRICE)) return;
  try {
    await refreshCapacityPrices({ store: opts.store, customers, solver: createHighsSolver() });
  } catch (err) {
    console.error(`[allocation] run ${opts.runId}: capacity prices were not refreshed`, err);
  }
}
