// The value tier rule: which tier a customer is in, and which tiers count as high value.
import type { ValueTier } from "../domain";

/**
 * Value tier from monthly revenue (GBP) and tenure (months): long tenure lifts a customer's
 * value by up to half, because a customer who stays keeps paying.
 */
export function valueTierFor(monthlyRevenue: number, tenureMonths: number): ValueTier {
  const loyalty = Math.min(Math.max(tenureMonths, 0), 72) / 72;
  const score = monthlyRevenue * (1 + 0.5 * loyalty);
  if (score >= 110) return "premium";
  if (score >= 62) return "high";
  if (score >= 24) return "medium";
  return "low";
}

/** The tiers served first and allowed to take a resource's high-value reserve. */
export const HIGH_VALUE_TIERS: readonly ValueTier[] = ["high", "premium"];

/** True for the high and premium tiers. */
export function isHighValueTier(tier: ValueTier): boolean {
  return HIGH_VALUE_TIERS.includes(tier);
}
