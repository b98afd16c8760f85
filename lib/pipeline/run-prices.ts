// A batch run's capacity prices: the run's decided customers planned optimally against the limits
// as they stand, and each resource's price stored for the decisions made until the next run.
import { type PlanCustomer, planAllocation, planResourceOf } from "../agents/allocation/optimize";
import type { CapacityStore, LpSolver, StoredPrices } from "../agents/allocation/ports";

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
