// Which holds give way when a limit is lowered below what is committed: the ones worth least once
// the capacity they take is priced, so the value kept is as large as the lower limit allows.

/** A decision awaiting review that holds units of the resource being lowered; values in GBP. */
export type HeldDecision = {
  recommendationId: string;
  customerId: string;
  treatmentKey: string;
  units: number;
  /** Expected value net of contact cost. */
  expectedValue: number;
  /** GBP of lifetime value at risk, which breaks ties: the customer with less at risk gives way first. */
  priority: number;
};

export type HoldToShed = HeldDecision & { netValue: number };

/** Units a new limit leaves no room for, and whether only holds stand in the way (confirmed units cannot be released). */
export function shedNeed(resource: { limit: number; used: number; held: number }, newLimit: number): { unitsToShed: number; isPossible: boolean } {
  const unitsToShed = Math.max(0, resource.used - newLimit);
  return { unitsToShed, isPossible: newLimit >= resource.used - resource.held };
}

/**
 * The fewest lowest-valued holds that free `unitsToShed`: ordered by value net of `price` (GBP per
 * unit) × units, then priority, then id, so the same holds give the same answer every time.
 * Returns every hold when they cannot free enough together.
 */
export function holdsToShed(holds: readonly HeldDecision[], opts: { unitsToShed: number; price: number }): HoldToShed[] {
  if (opts.unitsToShed <= 0) return [];
  const ranked = holds
    .map((h) => ({ ...h, netValue: Math.round((h.expectedValue - opts.price * h.units) * 100) / 100 }))
    .sort((a, b) => a.netValue - b.netValue || a.priority - b.priority || a.recommendationId.localeCompare(b.recommendationId));
  const chosen: HoldToShed[] = [];
  let freed = 0;
  for (const hold of ranked) {
    if (freed >= opts.unitsToShed) break;
    chosen.push(hold);
    freed += hold.units;
  }
  return chosen;
}
