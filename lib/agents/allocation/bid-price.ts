// Bid-price control between runs: a decision made alone (a run for one customer, an override) sees
// none of the customers a batch would weigh it against, so it pays the price the last run put on
// each resource instead: a unit goes only to a customer whose gain from it beats what it is worth.
import type { PlanOption } from "./plan";

/** GBP per unit of each resource as the last run priced it; a resource not listed is free. */
export type CapacityPrices = { prices: Record<string, number>; highValuePrices?: Record<string, number> };

export type PriceCheck = {
  treatmentKey: string;
  /** Value over the best option that takes no priced unit (GBP). */
  gain: number;
  /** What the units it takes are worth today (GBP); 0 when free. */
  price: number;
  isAdmitted: boolean;
};

/** GBP the units of `option` are worth to a customer of this tier; 0 when it takes nothing priced. */
export function priceOf(option: Pick<PlanOption, "resourceKey" | "units">, prices: CapacityPrices, isHighValue: boolean): number {
  if (!option.resourceKey) return 0;
  const perUnit = (isHighValue ? prices.highValuePrices?.[option.resourceKey] : undefined) ?? prices.prices[option.resourceKey] ?? 0;
  return Math.max(0, perUnit) * option.units;
}

/**
 * Checks each of a customer's options (best first) against today's prices and returns the first
 * admitted one, or null for no action. An option taking no priced unit is always admitted; one
 * that does is admitted only when its gain over the best unpriced option (or no action, 0) is
 * strictly greater than the price of its units.
 */
export function admitsAtPrice(customer: { options: readonly PlanOption[]; isHighValue: boolean }, prices: CapacityPrices): { choice: PlanOption | null; checks: PriceCheck[] } {
  const priced = customer.options.map((o) => ({ option: o, price: priceOf(o, prices, customer.isHighValue) }));
  const unpricedBest = priced.filter((p) => p.price === 0).reduce((best, p) => Math.max(best, p.option.value), 0);
  const checks = priced.map(({ option, price }): PriceCheck => {
    const gain = option.value - unpricedBest;
    return { treatmentKey: option.treatmentKey, gain, price, isAdmitted: price === 0 || gain > price };
  });
  const first = checks.findIndex((c) => c.isAdmitted);
  return { choice: first >= 0 ? customer.options[first]! : null, checks };
}
