// The features segments are found on, read from a customer's stored metrics, and their standardisation.
import type { SegmentCustomer, SegmentFeature, SegmentModel } from "./messages";
import { segmentFeatures } from "./messages";
import type { Points } from "./kmeans";

/**
 * One feature's value for a customer. Lifetime value is taken as log(1 + GBP) because a few very
 * valuable customers would otherwise stretch the scale and squash everyone else together; a
 * missing trend reads as no change.
 */
const read: Record<SegmentFeature, (c: SegmentCustomer) => number> = {
  lifetimeValue: (c) => Math.log1p(Math.max(0, c.lifetimeValue)),
  monthlyRevenue: (c) => c.monthlyRevenue,
  churnRisk: (c) => c.churnRisk,
  usageTrend: (c) => c.usageTrend ?? 0,
  revenueTrend: (c) => c.revenueTrend ?? 0,
  tenureMonths: (c) => c.tenureMonths,
  complaintsLast90Days: (c) => c.complaintsLast90Days,
  priceSensitive: (c) => (c.patterns.includes("price_sensitive") ? 1 : 0),
};

/** A feature's value back in the units people read (lifetime value in GBP again). */
export function toReadable(feature: SegmentFeature, value: number): number {
  return feature === "lifetimeValue" ? Math.expm1(value) : value;
}

export function rawFeatures(customers: SegmentCustomer[]): Points {
  const d = segmentFeatures.length;
  const values = new Float64Array(customers.length * d);
  customers.forEach((c, i) => {
    segmentFeatures.forEach((f, j) => {
      values[i * d + j] = read[f](c);
    });
  });
  return { values, n: customers.length, d };
}

/** Each feature's mean and standard deviation; a feature everyone shares gets scale 1 so it drops out instead of dividing by zero. */
export function fitScales(p: Points): { means: number[]; scales: number[] } {
  const means = new Array<number>(p.d).fill(0);
  const scales = new Array<number>(p.d).fill(0);
  for (let i = 0; i < p.n; i++) for (let j = 0; j < p.d; j++) means[j]! += p.values[i * p.d + j]!;
  for (let j = 0; j < p.d; j++) means[j] = means[j]! / Math.max(1, p.n);
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.d; j++) {
      const diff = p.values[i * p.d + j]! - means[j]!;
      scales[j]! += diff * diff;
    }
  }
  for (let j = 0; j < p.d; j++) {
    const sd = Math.sqrt(scales[j]! / Math.max(1, p.n));
    scales[j] = sd > 1e-12 ? sd : 1;
  }
  return { means, scales };
}

/** `p` in standard deviations from the mean, as a new array. */
export function standardise(p: Points, model: Pick<SegmentModel, "means" | "scales">): Points {
  const values = new Float64Array(p.values.length);
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.d; j++) values[i * p.d + j] = (p.values[i * p.d + j]! - model.means[j]!) / model.scales[j]!;
  }
  return { values, n: p.n, d: p.d };
}
