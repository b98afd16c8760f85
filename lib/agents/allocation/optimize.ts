// Planning a whole run's allocation at once: which customer gets which treatment when the limits
// bind. Greedy reproduces the run's priority order; optimal prices each resource first.
import { decideHold } from "./capacity";
import { planOptimal } from "./optimal";
import { type AllocationPlan, type PlanChoice, type PlanCustomer, type PlanInput, type PlanOption, type PlanResource, countersOf, passedOverOf, roundMoney } from "./plan";
import type { LpSolver } from "./ports";

export type { AllocationPlan, PlanChoice, PlanCustomer, PlanInput, PlanOption, PlanResource } from "./plan";
export { planCustomerOf, planResourceOf } from "./plan";

/**
 * The run's allocation order: high-value customers first (the reserve is kept for them), then by
 * priority (GBP of lifetime value at risk) highest first, ties by customer id, as a run serves them.
 */
export function greedyPlanOrder(customers: PlanCustomer[]): PlanCustomer[] {
  return [...customers].sort(
    (a, b) => Number(b.isHighValue) - Number(a.isHighValue) || b.priority - a.priority || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
  );
}

/**
 * Today's rule: customers in the run's allocation order, each taking its best option that
 * decideHold grants, else no action. Never exceeds a limit or the reserve.
 */
export function planGreedy(customers: PlanCustomer[], resources: PlanResource[]): AllocationPlan {
  const counters = countersOf(resources);
  const ordered = greedyPlanOrder(customers).map((c) => ({ c }));
  const choices = new Map<string, PlanChoice>();
  let totalValue = 0;
  for (const { c } of ordered) {
    let chosen: PlanOption | null = null;
    for (const option of c.options) {
      if (!option.resourceKey) {
        chosen = option;
        break;
      }
      const counter = counters.get(option.resourceKey);
      if (!counter) continue;
      if (decideHold(counter, option.units, c.isHighValue).isGranted) {
        counter.used += option.units;
        chosen = option;
        break;
      }
    }
    const value = chosen?.value ?? 0;
    totalValue += value;
    choices.set(c.customerId, { treatmentKey: chosen?.treatmentKey ?? null, value, passedOver: passedOverOf(c, value, chosen?.treatmentKey ?? null) });
  }
  const used = Object.fromEntries([...counters].map(([k, r]) => [k, r.used]));
  // Greedy prices nothing: it never compares a customer with the ones it displaces.
  const zeros = Object.fromEntries(resources.map((r) => [r.key, 0]));
  return { strategy: "greedy", choices, totalValue: roundMoney(totalValue), upperBound: null, prices: zeros, highValuePrices: zeros, used, order: ordered.map((x) => x.c.customerId) };
}

/**
 * A run's allocation: "greedy" in priority order, or "optimal" (within 0.1% of the LP optimum,
 * which it reports as `upperBound`, with each resource's price). Every plan keeps every limit and reserve.
 */
export async function planAllocation(input: PlanInput, deps: { solver?: LpSolver }): Promise<AllocationPlan> {
  if (input.strategy === "greedy") return planGreedy(input.customers, input.resources);
  if (!deps.solver) throw new Error("Optimal allocation needs a linear-programming solver");
  return planOptimal(input.customers, input.resources, deps.solver);
}
