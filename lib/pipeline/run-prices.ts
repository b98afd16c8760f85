// A batch run's capacity prices: the run's decided customers planned optimally against the limits
// as they stand, and each resource's price stored for the decisions made until the next run.
import { type CapacityPrices, admitsAtPrice, priceOf } from "../agents/allocation/bid-price";
import { explainCapacityLoss, explainPriceRefusal } from "../agents/allocation/explain";
import { type AllocationPlan, type PlanChoice, type PlanCustomer, greedyPlanOrder, planAllocation, planCustomerOf, planResourceOf } from "../agents/allocation/optimize";
import { passedOverOf } from "../agents/allocation/plan";
import type { LockedResource } from "../agents/allocation/capacity";
import type { CapacityStore, LockedCapacity, LpSolver, StoredPrices } from "../agents/allocation/ports";
import { type ArmPlan, planByArm } from "../agents/allocation/split";
import type { TreatmentDefinition } from "../agents/domain";
import { type Experiment, armFor } from "../agents/evaluation/experiments";
import type { AllocationStrategy, Outcome, RunPlan } from "../agents/orchestrator";
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
  const customers = planCustomersOf(opts.outcomes, opts.catalog);
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
 * The resources as the run will find them: a customer's earlier decision still waiting for review
 * gives its hold back when the new one is saved (supersede.ts), so those units are the run's to plan.
 */
async function resourcesAfterSupersede(capacity: LockedCapacity, customerIds: string[]): Promise<LockedResource[]> {
  const resources = new Map([...capacity.resources].map(([key, r]) => [key, { ...r }]));
  if (customerIds.length === 0) return [...resources.values()];
  const pending = await capacity.pendingFor(customerIds);
  const latest = await capacity.latestFor(pending.map((p) => p.id));
  for (const hold of latest.values()) {
    const r = resources.get(hold.resourceKey);
    if (hold.outcome === "held" && r && hold.periodStart === r.periodStart) r.used = Math.max(0, r.used - hold.units);
  }
  return [...resources.values()];
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
      const stored = await resourcesAfterSupersede(capacity, customers.map((c) => c.customerId));
      const plan = await planAllocation({ customers, resources: stored.map(planResourceOf), strategy: "optimal" }, { solver: opts.solver ?? createHighsSolver() });
      const value = runPlanOf(plan, { customers, catalog: opts.catalog, resourceNames: Object.fromEntries(stored.map((r) => [r.key, r.name])) });
      return { value, writes: isStoring ? { prices: { prices: plan.prices, highValuePrices: plan.highValuePrices } } : {} };
    });
  } catch (err) {
    console.error(`[allocation] run ${opts.runId}: the optimal plan failed; allocating in priority order`, err);
    return null;
  }
}

/**
 * Bid-price control for a customer decided alone: each takes its first option that admitsAtPrice
 * admits at `prices`, the options refused above it set aside with the price and the gain that lost.
 * Served in the run's priority order; the capacity lock still grants each unit.
 */
export function planAtPrices(opts: { customers: PlanCustomer[]; prices: CapacityPrices; catalog: readonly TreatmentDefinition[]; resourceNames: Record<string, string> }): RunPlan {
  const names = { treatments: Object.fromEntries(opts.catalog.map((t) => [t.key, t.name])), resources: opts.resourceNames };
  const choices = new Map<string, PlanChoice>();
  const setAside = new Map<string, { reasons: Record<string, string>; prices: Record<string, number> }>();
  for (const c of opts.customers) {
    const { choice, checks } = admitsAtPrice(c, opts.prices);
    const value = choice?.value ?? 0;
    const passedOver = passedOverOf(c, value, choice?.treatmentKey ?? null);
    choices.set(c.customerId, { treatmentKey: choice?.treatmentKey ?? null, value, passedOver });
    if (passedOver.length === 0) continue;
    const unpricedBest = c.options.filter((o) => priceOf(o, opts.prices, c.isHighValue) === 0).reduce<PlanCustomer["options"][number] | null>((best, o) => (!best || o.value > best.value ? o : best), null);
    const reasons: Record<string, string> = {};
    const prices: Record<string, number> = {};
    for (const key of passedOver) {
      const option = c.options.find((o) => o.treatmentKey === key)!;
      const check = checks.find((k) => k.treatmentKey === key)!;
      reasons[key] = `Not worth its capacity today: ${explainPriceRefusal({ option, gain: check.gain, price: check.price, unpricedBest, names })}`;
      prices[key] = Math.round(check.price * 100) / 100;
    }
    setAside.set(c.customerId, { reasons, prices });
  }
  return { choices, order: greedyPlanOrder(opts.customers).map((c) => c.customerId), setAside: (id) => setAside.get(id) ?? null };
}

/**
 * The plan a run's allocation follows: a run of fewer than MIN_CUSTOMERS_TO_PRICE decided
 * customers, on its first step, pays the stored prices (bid-price control) once a batch run has
 * stored some; any other plans optimally and, on a batch's first step, stores its prices. Null
 * when planning failed (logged).
 */
export async function planRunAllocation(opts: { store: CapacityStore; runId: string; outcomes: readonly Outcome[]; catalog: readonly TreatmentDefinition[]; isFirstStep: boolean; solver?: LpSolver }): Promise<RunPlan | null> {
  const customers = planCustomersOf(opts.outcomes, opts.catalog);
  if (!opts.isFirstStep || customers.length >= MIN_CUSTOMERS_TO_PRICE || !opts.store.readPrices) {
    return planRun({ ...opts, isStoringPrices: opts.isFirstStep });
  }
  const [prices, resources] = await Promise.all([opts.store.readPrices(), opts.store.readResources()]);
  // No batch run has priced yet: the run's own customers are all it can weigh against each other.
  if (prices.updatedAt === null) return planRun({ ...opts, isStoringPrices: false });
  return planAtPrices({ customers, prices, catalog: opts.catalog, resourceNames: Object.fromEntries(resources.map((r) => [r.key, r.name])) });
}

type PlanByStrategyOptions = {
  store: CapacityStore;
  runId: string;
  outcomes: readonly Outcome[];
  catalog: readonly TreatmentDefinition[];
  isFirstStep: boolean;
  strategy: AllocationStrategy;
  experiment: Pick<Experiment, "key" | "arms"> | null;
  solver?: LpSolver;
};

/** Whether `experiment` compares allocations: some arm names one, so its arms must not share capacity. */
export function isAllocationExperiment(experiment: Pick<Experiment, "arms"> | null): experiment is Pick<Experiment, "key" | "arms"> {
  return experiment?.arms.some((a) => a.allocation !== undefined) ?? false;
}

/**
 * A run's plan under an experiment comparing allocations: each arm's customers planned with the
 * arm's allocation (the run's `strategy` where it names none) within the arm's split of what is
 * free (lib/agents/allocation/split.ts), so one arm cannot starve the other. On a batch's first
 * step the prices over all its customers are stored as a greedy run stores them. Null when
 * planning failed (logged).
 */
async function planRunByArm(opts: PlanByStrategyOptions & { experiment: Pick<Experiment, "key" | "arms"> }): Promise<RunPlan | null> {
  const { experiment } = opts;
  const customers = planCustomersOf(opts.outcomes, opts.catalog);
  if (opts.isFirstStep) await refreshRunPrices(opts);
  try {
    return await opts.store.transact(async (capacity) => {
      const stored = await resourcesAfterSupersede(capacity, customers.map((c) => c.customerId));
      const { arms, order } = await planByArm(
        {
          customers,
          resources: stored.map(planResourceOf),
          arms: experiment.arms.map((a) => ({ key: a.key, strategy: a.allocation ?? opts.strategy })),
          armOf: (customerId) => armFor(customerId, experiment).key,
        },
        { solver: opts.solver ?? createHighsSolver() },
      );
      const resourceNames = Object.fromEntries(stored.map((r) => [r.key, r.name]));
      return { value: mergedRunPlan(arms, order, { catalog: opts.catalog, resourceNames }), writes: {} };
    });
  } catch (err) {
    console.error(`[allocation] run ${opts.runId}: the plan per experiment arm failed; allocating in priority order`, err);
    return null;
  }
}

/** One run plan over all arms: each customer's choice and set-aside sentence from their own arm's plan. */
function mergedRunPlan(arms: readonly ArmPlan[], order: string[], opts: { catalog: readonly TreatmentDefinition[]; resourceNames: Record<string, string> }): RunPlan {
  const byCustomer = new Map<string, RunPlan>();
  const choices = new Map<string, PlanChoice>();
  for (const arm of arms) {
    const plan = runPlanOf(arm.plan, { customers: arm.customers, ...opts });
    for (const [id, choice] of arm.plan.choices) {
      choices.set(id, choice);
      byCustomer.set(id, plan);
    }
  }
  return { choices, order, setAside: (customerId) => byCustomer.get(customerId)?.setAside(customerId) ?? null };
}

/**
 * The plan a run's allocation follows under `strategy`, or null to hold greedily in priority
 * order. Under an experiment comparing allocations each arm is planned in its own share of the
 * capacity; otherwise "optimal" plans the whole run (planRunAllocation) and "greedy" only stores
 * prices on a batch's first step.
 */
export async function planRunByStrategy(opts: PlanByStrategyOptions): Promise<RunPlan | null> {
  const { experiment } = opts;
  if (isAllocationExperiment(experiment)) return planRunByArm({ ...opts, experiment });
  if (opts.strategy === "optimal") return planRunAllocation(opts);
  if (opts.isFirstStep) await refreshRunPrices(opts);
  return null;
}
