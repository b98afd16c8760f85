// Scenario rules: what a what-if changes (limits, reserves, treatment costs, activation), the
// allocation problem it poses for decided customers, and how two plans differ. Plain data in and
// out; nothing here reads or writes storage, so planning a scenario can never hold capacity.
import { z } from "zod";
import type { AllocationPlan, PlanCustomer, PlanOption, PlanResource } from "../allocation/optimize";
import type { ResourceCounters, TreatmentFate } from "../domain";

const MAX_UNITS = 10_000_000;
const key = z.string().trim().min(1).max(200);
const units = (what: string) =>
  z
    .number({ error: `${what} must be a whole number.` })
    .int(`${what} must be a whole number.`)
    .min(0, `${what} cannot be negative.`)
    .max(MAX_UNITS, `${what} cannot exceed ${MAX_UNITS.toLocaleString("en-GB")}.`);

export const scenarioChangesSchema = z
  .object({
    resources: z
      .array(z.object({ key, limit: units("The limit").optional(), reservedHighValue: units("The high-value reserve").optional() }).strict())
      .max(100)
      .default([]),
    treatments: z
      .array(
        z
          .object({
            key,
            /** GBP per contact. */
            costPerContact: z.number({ error: "The cost must be a number." }).min(0, "The cost cannot be negative.").max(100_000, "The cost cannot exceed £100,000.").optional(),
            isActive: z.boolean().optional(),
          })
          .strict(),
      )
      .max(200)
      .default([]),
  })
  .strict();

export type ScenarioChanges = z.output<typeof scenarioChangesSchema>;

/** A treatment as the planner sees it: cost in GBP per contact. */
export type ScenarioTreatment = {
  key: string;
  name: string;
  costPerContact: number;
  isActive: boolean;
  isNoAction: boolean;
  resourceKey: string | null;
  unitsPerContact: number;
};

/** Resources and treatments as they stand, or as a scenario would have them. */
export type ScenarioWorld = { resources: ResourceCounters[]; treatments: ScenarioTreatment[] };

/** Every problem with `changes` against `world` (unknown keys, a reserve above its limit); empty when it can be planned. */
export function scenarioProblems(world: ScenarioWorld, changes: ScenarioChanges): string[] {
  const problems: string[] = [];
  const resources = new Map(world.resources.map((r) => [r.key, r]));
  const treatments = new Map(world.treatments.map((t) => [t.key, t]));
  for (const change of changes.resources) {
    const resource = resources.get(change.key);
    if (!resource) {
      problems.push(`There is no resource "${change.key}".`);
      continue;
    }
    const limit = change.limit ?? resource.limit;
    const reserve = change.reservedHighValue ?? resource.reservedHighValue;
    if (reserve > limit) problems.push(`${resource.name}: the high-value reserve (${reserve}) cannot be larger than the limit (${limit}).`);
  }
  for (const change of changes.treatments) {
    const treatment = treatments.get(change.key);
    if (!treatment) problems.push(`There is no treatment "${change.key}".`);
    else if (treatment.isNoAction && change.isActive === false) problems.push(`${treatment.name} is what a customer gets when nothing else fits; it cannot be deactivated.`);
  }
  return problems;
}

/** The world with `changes` applied; keys `scenarioProblems` refuses are left as they are. */
export function applyScenario(world: ScenarioWorld, changes: ScenarioChanges): ScenarioWorld {
  const resourceChanges = new Map(changes.resources.map((c) => [c.key, c]));
  const treatmentChanges = new Map(changes.treatments.map((c) => [c.key, c]));
  return {
    resources: world.resources.map((r) => {
      const c = resourceChanges.get(r.key);
      return c ? { ...r, limit: c.limit ?? r.limit, reservedHighValue: c.reservedHighValue ?? r.reservedHighValue } : r;
    }),
    treatments: world.treatments.map((t) => {
      const c = treatmentChanges.get(t.key);
      return c ? { ...t, costPerContact: c.costPerContact ?? t.costPerContact, isActive: c.isActive ?? t.isActive } : t;
    }),
  };
}

/**
 * Capacity a plan for the customers in scope may use: the limit less the units committed by others
 * (confirmed, or held by decisions outside the scope), because the scope's own pending holds are
 * what a new plan would replace. Of that room, what the general pool cannot take is the reserve left.
 */
export function planResources(resources: readonly ResourceCounters[], heldInScope: ReadonlyMap<string, number>): PlanResource[] {
  return resources.map((r) => {
    const committedByOthers = Math.max(0, r.used - (heldInScope.get(r.key) ?? 0));
    const available = Math.max(0, r.limit - committedByOthers);
    const general = Math.max(0, r.limit - r.reservedHighValue - committedByOthers);
    return { key: r.key, name: r.name, available, reserveLeft: available - general };
  });
}

/** A customer decided by the rules, as the planner needs them: priority in GBP at risk, fates with values net of cost. */
export type DecidedCustomer = { customerId: string; isHighValue: boolean; priority: number; fates: readonly TreatmentFate[] };

/**
 * The customer's options in `world`: each treatment the rules ranked (chosen or alternative), still
 * active, with its value moved by any change of cost (GBP; value is net of cost per contact).
 * No action is the planner's empty choice, and an option worth nothing never beats it.
 */
export function planCustomer(customer: DecidedCustomer, opts: { decidedWith: ReadonlyMap<string, ScenarioTreatment>; world: ReadonlyMap<string, ScenarioTreatment> }): PlanCustomer {
  const options: PlanOption[] = [];
  for (const fate of customer.fates) {
    if (fate.fate === "excluded") continue;
    const now = opts.world.get(fate.treatmentKey);
    const before = opts.decidedWith.get(fate.treatmentKey);
    if (!now || !before || !now.isActive || now.isNoAction) continue;
    const value = Math.round((fate.value + before.costPerContact - now.costPerContact) * 100) / 100;
    if (value <= 0) continue;
    options.push({ treatmentKey: now.key, value, resourceKey: now.resourceKey, units: now.resourceKey ? now.unitsPerContact : 0 });
  }
  // The planners take a customer's options best first; equal values keep the rules' order.
  options.sort((a, b) => b.value - a.value);
  return { customerId: customer.customerId, isHighValue: customer.isHighValue, priority: customer.priority, options };
}

export type TreatmentReach = { key: string; name: string; customers: number; value: number };
export type ResourceUse = { key: string; name: string; limit: number; available: number; used: number; price: number };

/** What a plan achieves for the scope: GBP of expected value, customers per treatment, units per resource and their prices (GBP per unit). */
export type PlanSummary = {
  strategy: AllocationPlan["strategy"];
  totalValue: number;
  upperBound: number | null;
  customers: number;
  /** Customers given no treatment. */
  noAction: number;
  treatments: TreatmentReach[];
  resources: ResourceUse[];
};

const money = (n: number) => Math.round(n * 100) / 100;

export function summarisePlan(plan: AllocationPlan, opts: { world: ScenarioWorld; resources: readonly PlanResource[] }): PlanSummary {
  const reach = new Map<string, { customers: number; value: number }>();
  let noAction = 0;
  for (const choice of plan.choices.values()) {
    if (choice.treatmentKey === null) {
      noAction += 1;
      continue;
    }
    const r = reach.get(choice.treatmentKey) ?? { customers: 0, value: 0 };
    r.customers += 1;
    r.value += choice.value;
    reach.set(choice.treatmentKey, r);
  }
  const available = new Map(opts.resources.map((r) => [r.key, r.available]));
  return {
    strategy: plan.strategy,
    totalValue: money(plan.totalValue),
    upperBound: plan.upperBound === null ? null : money(plan.upperBound),
    customers: plan.choices.size,
    noAction,
    treatments: opts.world.treatments
      .filter((t) => !t.isNoAction && (t.isActive || reach.has(t.key)))
      .map((t) => ({ key: t.key, name: t.name, customers: reach.get(t.key)?.customers ?? 0, value: money(reach.get(t.key)?.value ?? 0) })),
    resources: opts.world.resources.map((r) => ({
      key: r.key,
      name: r.name,
      limit: r.limit,
      available: available.get(r.key) ?? 0,
      used: plan.used[r.key] ?? 0,
      price: money(plan.prices[r.key] ?? 0),
    })),
  };
}

export type Difference = { key: string; name: string; current: number; scenario: number; delta: number };

/** How `scenario` differs from `current`, over the same customers: value (GBP), reach, units and prices, and how many customers change treatment. */
export type PlanComparison = {
  totalValue: Difference;
  reach: Difference[];
  capacity: Difference[];
  prices: Difference[];
  /** Customers whose treatment (or no action) differs between the two plans. */
  customersChanged: number;
};

function differences<T extends { key: string; name: string }>(current: readonly T[], scenario: readonly T[], read: (t: T) => number): Difference[] {
  const keys = new Map<string, string>();
  for (const t of [...current, ...scenario]) if (!keys.has(t.key)) keys.set(t.key, t.name);
  const a = new Map(current.map((t) => [t.key, read(t)]));
  const b = new Map(scenario.map((t) => [t.key, read(t)]));
  return [...keys].map(([key, name]) => {
    const before = a.get(key) ?? 0;
    const after = b.get(key) ?? 0;
    return { key, name, current: before, scenario: after, delta: money(after - before) };
  });
}

export function comparePlans(current: { plan: AllocationPlan; summary: PlanSummary }, scenario: { plan: AllocationPlan; summary: PlanSummary }): PlanComparison {
  let customersChanged = 0;
  for (const [customerId, choice] of scenario.plan.choices) {
    if ((current.plan.choices.get(customerId)?.treatmentKey ?? null) !== choice.treatmentKey) customersChanged += 1;
  }
  return {
    totalValue: {
      key: "total",
      name: "Expected value",
      current: current.summary.totalValue,
      scenario: scenario.summary.totalValue,
      delta: money(scenario.summary.totalValue - current.summary.totalValue),
    },
    reach: differences(current.summary.treatments, scenario.summary.treatments, (t) => t.customers),
    capacity: differences(current.summary.resources, scenario.summary.resources, (r) => r.used),
    prices: differences(current.summary.resources, scenario.summary.resources, (r) => r.price),
    customersChanged,
  };
}
