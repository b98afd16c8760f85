// What a plan is made of and what it answers, shared by the greedy and the optimal planner.
import type { LockedResource } from "./capacity";

/** One compliant option of a customer: its expected value net of contact cost (GBP) and the capacity it takes. */
export type PlanOption = { treatmentKey: string; value: number; resourceKey: string | null; units: number };

/** A customer to plan for: compliant options ranked above no action, best first; "no action" (value 0) is implicit. */
export type PlanCustomer = { customerId: string; isHighValue: boolean; priority: number; options: PlanOption[] };

/** A resource as it stands now: `available` = limit − used; `reserveLeft` of those units only high-value customers may take. */
export type PlanResource = { key: string; name: string; available: number; reserveLeft: number };

/** What a plan gives one customer; `passedOver` lists the better options (by value) it did not get. */
export type PlanChoice = { treatmentKey: string | null; value: number; passedOver: readonly string[] };

export type AllocationPlan = {
  strategy: "greedy" | "optimal";
  /** Every customer planned for, by id. */
  choices: Map<string, PlanChoice>;
  /** Σ value of the choices (GBP). */
  totalValue: number;
  /** The linear-programming optimum, no plan can beat it; null for greedy. */
  upperBound: number | null;
  /**
   * GBP per unit of each resource in the general pool, the price a regular customer pays: what one
   * more unit would add to the total (0 for a resource with room to spare).
   */
  prices: Record<string, number>;
  /** GBP per unit a high-value customer pays, who may also take the reserve: at most `prices`. */
  highValuePrices: Record<string, number>;
  /** Units each resource's choices take. */
  used: Record<string, number>;
  /** Customer ids in an order in which holding each choice with decideHold is granted every time. */
  order: string[];
};

export type PlanInput = { customers: PlanCustomer[]; resources: PlanResource[]; strategy: "greedy" | "optimal" };

/** The plan's view of a stored resource: what is left now, and how much of it the reserve still keeps. */
export function planResourceOf(r: Pick<LockedResource, "key" | "name" | "limit" | "used" | "reservedHighValue">): PlanResource {
  const available = Math.max(0, r.limit - r.used);
  const general = Math.max(0, r.limit - r.reservedHighValue - r.used);
  return { key: r.key, name: r.name, available, reserveLeft: available - general };
}

/** Counters starting from nothing used, so decideHold sees the plan's resources exactly as they stand. */
export function countersOf(resources: PlanResource[]): Map<string, LockedResource> {
  return new Map(
    resources.map((r) => [r.key, { key: r.key, name: r.name, limit: r.available, used: 0, held: 0, reservedHighValue: r.reserveLeft, period: "day", periodStart: "" }]),
  );
}

const NOTHING_PASSED_OVER: readonly string[] = Object.freeze([]);

export function roundMoney(v: number): number {
  return Math.round(v * 100) / 100;
}

/** The options better than the chosen value, which the customer did not get. */
export function passedOverOf(customer: PlanCustomer, chosenValue: number, chosenKey: string | null): readonly string[] {
  // Most customers get their first choice: one shared empty list spares a plan 100,000 allocations.
  if (customer.options.every((o) => o.value <= chosenValue)) return NOTHING_PASSED_OVER;
  return customer.options.filter((o) => o.treatmentKey !== chosenKey && o.value > chosenValue).map((o) => o.treatmentKey);
}

/**
 * A decided customer as the planner sees it: the chosen treatment, then its ranked alternatives up
 * to no action, each with its expected value (GBP) and the capacity its catalog entry takes.
 * Treatments no longer in `catalog` are left out; a no-action decision plans no option.
 */
export function planCustomerOf(opts: {
  customerId: string;
  isHighValue: boolean;
  priority: number;
  decision: { treatmentKey: string; isNoAction: boolean; expectedValue: number; alternatives: readonly { treatmentKey: string; expectedValue: number }[] };
  catalog: readonly { key: string; resourceKey: string | null; unitsPerContact: number; isNoAction: boolean }[];
}): PlanCustomer {
  const byKey = new Map(opts.catalog.map((t) => [t.key, t]));
  const options: PlanOption[] = [];
  if (!opts.decision.isNoAction) {
    for (const o of [{ treatmentKey: opts.decision.treatmentKey, expectedValue: opts.decision.expectedValue }, ...opts.decision.alternatives]) {
      const t = byKey.get(o.treatmentKey);
      if (t?.isNoAction) break;
      if (!t) continue;
      options.push({ treatmentKey: t.key, value: o.expectedValue, resourceKey: t.resourceKey, units: t.unitsPerContact });
    }
  }
  return { customerId: opts.customerId, isHighValue: opts.isHighValue, priority: opts.priority, options };
}
