// An A/B test of allocation: each arm's customers compete only within the arm's slice of every
// resource, so one arm's strategy cannot take capacity the other arm's customers would have used,
// and the difference in value between arms is the strategies' alone.
import { planAllocation } from "./optimize";
import type { AllocationPlan, PlanCustomer, PlanInput, PlanResource } from "./plan";
import type { LpSolver } from "./ports";

/**
 * `total` whole units shared in proportion to `weights` by largest remainder (ties to the earlier
 * weight): each part ≥ 0, Σ parts = ⌊total⌋ when any weight is above 0, else every part 0.
 */
export function splitUnits(total: number, weights: readonly number[]): number[] {
  const whole = Math.max(0, Math.floor(total));
  const sum = weights.reduce((s, w) => s + Math.max(0, w), 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (whole * Math.max(0, w)) / sum);
  const parts = exact.map(Math.floor);
  let left = whole - parts.reduce((s, p) => s + p, 0);
  const byRemainder = exact.map((x, i) => ({ i, rest: x - parts[i]! })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    // A zero weight never takes a leftover unit: an arm without customers has nothing to plan.
    if (weights[i]! <= 0) continue;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/**
 * Each arm's view of `resources`, split by the arm's count of customers: the general pool and the
 * high-value reserve are split separately, so Σ over arms of each stays within what is free.
 */
export function splitResources(resources: readonly PlanResource[], customersByArm: readonly { key: string; customers: number }[]): Map<string, PlanResource[]> {
  const weights = customersByArm.map((a) => a.customers);
  const byArm = new Map<string, PlanResource[]>(customersByArm.map((a) => [a.key, []]));
  for (const r of resources) {
    const general = splitUnits(r.available - r.reserveLeft, weights);
    const reserve = splitUnits(r.reserveLeft, weights);
    customersByArm.forEach((a, i) => byArm.get(a.key)!.push({ ...r, available: general[i]! + reserve[i]!, reserveLeft: reserve[i]! }));
  }
  return byArm;
}

export type ArmStrategy = { key: string; strategy: PlanInput["strategy"] };

/** One arm's plan: its customers planned with its strategy against its slice of the resources. */
export type ArmPlan = ArmStrategy & { customers: PlanCustomer[]; resources: PlanResource[]; plan: AllocationPlan };

/**
 * Plans each arm's customers (`armOf`) with the arm's own strategy within its split of every
 * resource. `order` holds every arm's regular customers before any high-value one: the planned
 * units then fit the real pools too, since each arm's regular customers plan within its general
 * slice and a high-value customer may take the reserve. Arms interleave so a cut order leaves each
 * arm about the same part of its customers.
 */
export async function planByArm(
  input: { customers: readonly PlanCustomer[]; resources: readonly PlanResource[]; arms: readonly ArmStrategy[]; armOf: (customerId: string) => string },
  deps: { solver?: LpSolver },
): Promise<{ arms: ArmPlan[]; order: string[] }> {
  const customersOf = new Map<string, PlanCustomer[]>(input.arms.map((a) => [a.key, []]));
  for (const c of input.customers) customersOf.get(input.armOf(c.customerId))?.push(c);
  const slices = splitResources(
    input.resources,
    input.arms.map((a) => ({ key: a.key, customers: customersOf.get(a.key)!.length })),
  );
  const arms: ArmPlan[] = [];
  for (const arm of input.arms) {
    const customers = customersOf.get(arm.key)!;
    const resources = slices.get(arm.key)!;
    arms.push({ ...arm, customers, resources, plan: await planAllocation({ customers, resources, strategy: arm.strategy }, deps) });
  }
  return { arms, order: interleavedOrder(arms) };
}

function interleavedOrder(arms: readonly ArmPlan[]): string[] {
  const isHighValue = new Map(arms.flatMap((a) => a.customers.map((c) => [c.customerId, c.isHighValue] as const)));
  const ranked = arms.flatMap((a, armIndex) =>
    [false, true].flatMap((hv) => {
      const ids = a.plan.order.filter((id) => isHighValue.get(id) === hv);
      return ids.map((id, i) => ({ id, hv, at: (i + 0.5) / ids.length, armIndex }));
    }),
  );
  ranked.sort((a, b) => Number(a.hv) - Number(b.hv) || a.at - b.at || a.armIndex - b.armIndex);
  return ranked.map((r) => r.id);
}
