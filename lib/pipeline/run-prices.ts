// A batch run's capacity prices: the run's decided customers planned optimally against the limits
// as they stand, and each resource's price stored for the decisions made until the next run.
import { priceOf } from "../agents/allocation/bid-price";
import { explainCapacityLoss } from "../agents/allocation/explain";
import { type AllocationPlan, type PlanCustomer, planAllocation, planCustomerOf, planResourceOf } from "../agents/allocation/optimize";
import type { CapacityStore, LpSolver, StoredPrices } from "../agents/allocation/ports";
import type { TreatmentDefinition } from "../agents/domain";
import type { Outcome, RunPlan } from "../agents/orchestrator";
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

function planCustomersOf(outcomes: readonly Outcome[], catalog: readonly TreatmentDefinition[]): PlanCustomer[] {
  return outcomes.flatMap((o) =>
    o.kind === "decided" ? [planCustomerOf({ customerId: o.customerId, isHighValue: o.isHighValue, priority: o.priority, decision: o.decision, catalog })] : [],
  );
}

/** The run plan the allocation follows: each set-aside option with explainCapacityLoss's sentence and its units' price. */
function runPlanOf(plan: AllocationPlan, opts: { customers: PlanCustomer[]; catalog: readonly TreatmentDefinition[]; resourceNames: Record<string, string> }): RunPlan {
  const byId = new Map(opts.customers.map((c) => [c.customerId, c]));
  const names = { treatments: Object.fromEntries(opts.catalog.map((t) => [t.key, t.name])), resources: opts.resourceNames };
  const prices = { prices: plan.prices, highValuePrices: plan.highValuePrices };
  return {
    choices: plan.choices,
    order: plan.order,
    setAside(customerId) {
      const customer = byId.get(customerId);
      const choice = plan.choices.get(customerId);
      if (!customer || !choice || choice.passedOver.length === 0) return null;
      const sentence = explainCapacityLoss({ options: customer.options, chosenKey: choice.treatmentKey, isHighValue: customer.isHighValue, prices, names });
      const passed = customer.options.filter((o) => choice.passedOver.includes(o.treatmentKey));
      return {
        reasons: Object.fromEntries(passed.map((o) => [o.treatmentKey, `Set aside for capacity: ${sentence}`])),
        prices: Object.fromEntries(passed.map((o) => [o.treatmentKey, Math.round(priceOf(o, prices, customer.isHighValue) * 100) / 100])),
      };
    },
  };
}

/**
 * Plans a run's unsaved decided customers optimally against the limits as they stand, in one
 * capacity transaction that holds nothing; stores the plan's prices too when `isStoringPrices`
 * and the run is a batch (MIN_CUSTOMERS_TO_PRICE). The plan is advice: a failure is logged and
 * answered with null, and the run then allocates greedily.
 */
export async function planRun(opts: {
  store: CapacityStore;
  runId: string;
  outcomes: readonly Outcome[];
  catalog: readonly TreatmentDefinition[];
  isStoringPrices: boolean;
  solver?: LpSolver;
}): Promise<RunPlan | null> {
  const customers = planCustomersOf(opts.outcomes, opts.catalog);
  const isStoring = opts.isStoringPrices && customers.length >= MIN_CUSTOMERS_TO_PRICE;
  try {
    return await opts.store.transact(async (capacity) => {
      const stored = [...capacity.resources.values()];
      const plan = await planAllocation({ customers, resources: stored.map(planResourceOf), strategy: "optimal" }, { solver: opts.solver ?? createHighsSolver() });
      const value = runPlanOf(plan, { customers, catalog: opts.catalog, resourceNames: Object.fromEntries(stored.map((r) => [r.key, r.name])) });
      return { value, writes: isStoring ? { prices: { prices: plan.prices, highValuePrices: plan.highValuePrices } } : {} };
    });
  } catch (err) {
    console.error(`[allocation] run ${opts.runId}: the optimal plan failed; allocating in priority order`, err);
    return null;
  }
}
