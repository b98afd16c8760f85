// Bid-price control for an override, for the dialog that offers the treatments and for the override
// itself: both ask here, so a reviewer sees beforehand the refusal the server would give.
import { type CapacityPrices, admitsAtPrice, priceOf } from "../../agents/allocation/bid-price";
import { explainPriceRefusal } from "../../agents/allocation/explain";
import type { PlanOption } from "../../agents/allocation/plan";
import type { TreatmentDefinition } from "../../agents/domain";

type PricedTreatment = Pick<TreatmentDefinition, "key" | "name" | "resourceKey" | "unitsPerContact">;

export type OverridePrice = {
  /** What the units the treatment takes are worth to this customer today, GBP; 0 when it takes nothing priced. */
  price: number;
  /** Its value over the best option taking no priced unit (or no action), GBP; null when free (nothing to weigh) or when the recommendation estimated no value for it. */
  gain: number | null;
  isAdmitted: boolean;
  /** Why it would be refused, as one sentence without a final full stop; null when admitted. */
  refusal: string | null;
};

/**
 * Whether an override to `treatment` pays today's price (lib/agents/allocation/bid-price.ts
 * admitsAtPrice): free when it takes nothing priced; otherwise admitted only when its gain over the
 * best unpriced option the recommendation weighed is strictly greater than the price. A priced
 * treatment the recommendation put no value on has no gain to weigh, so it is refused.
 * `values` are the recommendation's estimates (GBP) by treatment key; `prices` null means none stored.
 */
export function priceOverride(opts: {
  treatment: PricedTreatment;
  values: Record<string, number>;
  catalog: readonly TreatmentDefinition[];
  prices: CapacityPrices | null;
  isHighValue: boolean;
  resourceNames: Record<string, string>;
}): OverridePrice {
  const { treatment, prices, isHighValue } = opts;
  const target = { treatmentKey: treatment.key, resourceKey: treatment.resourceKey, units: treatment.unitsPerContact };
  const price = prices ? priceOf(target, prices, isHighValue) : 0;
  const value = opts.values[treatment.key];
  if (price <= 0 || !prices) return { price: 0, gain: null, isAdmitted: true, refusal: null };
  if (value === undefined) {
    return { price, gain: null, isAdmitted: false, refusal: `${treatment.name} takes capacity worth ${formatPounds(price)} today and this customer's recommendation estimated no value for it, so no gain can pay for it` };
  }
  const byKey = new Map(opts.catalog.map((t) => [t.key, t]));
  const option: PlanOption = { ...target, value };
  const others: PlanOption[] = Object.entries(opts.values).flatMap(([key, v]) => {
    const t = byKey.get(key);
    return key !== treatment.key && t && !t.isNoAction ? [{ treatmentKey: key, value: v, resourceKey: t.resourceKey, units: t.unitsPerContact }] : [];
  });
  const check = admitsAtPrice({ options: [option, ...others], isHighValue }, prices).checks[0]!;
  if (check.isAdmitted) return { price, gain: check.gain, isAdmitted: true, refusal: null };
  const unpricedBest = others.filter((o) => priceOf(o, prices, isHighValue) === 0).reduce<PlanOption | null>((best, o) => (!best || o.value > best.value ? o : best), null);
  const names = { treatments: Object.fromEntries([...opts.catalog.map((t) => [t.key, t.name]), [treatment.key, treatment.name]]), resources: opts.resourceNames };
  return {
    price,
    gain: check.gain,
    isAdmitted: false,
    refusal: explainPriceRefusal({ option, gain: check.gain, price, unpricedBest: unpricedBest && unpricedBest.value > 0 ? unpricedBest : null, names }),
  };
}

function formatPounds(gbp: number): string {
  return `£${Math.round(gbp).toLocaleString("en-GB")}`;
}
