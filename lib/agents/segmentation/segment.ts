// Finds segments: k chosen on a sample by mean silhouette, then k-means refined on everyone.
import type { PatternKey } from "../domain";
import { fitScales, rawFeatures, standardise, toReadable } from "./features";
import { type Points, kMeans, lloyd, meanSilhouette, sampleIndices, seededRandom, squaredDistance } from "./kmeans";
import type { SegmentCustomer, SegmentFeature, SegmentModel, SegmentProfile, SegmentationResult } from "./messages";
import { segmentFeatures } from "./messages";

export const DEFAULT_K_RANGE = { min: 2, max: 8 } as const;
/** Silhouette is quadratic in the points scored: 2,000 keeps each k under a second. */
export const DEFAULT_SAMPLE_SIZE = 2000;

function subset(p: Points, indices: Int32Array): Points {
  const values = new Float64Array(indices.length * p.d);
  indices.forEach((i, r) => values.set(p.values.subarray(i * p.d, i * p.d + p.d), r * p.d));
  return { values, n: indices.length, d: p.d };
}

function byFeature(values: (j: number) => number): Record<SegmentFeature, number> {
  return Object.fromEntries(segmentFeatures.map((f, j) => [f, values(j)])) as Record<SegmentFeature, number>;
}

/**
 * Segments `customers` deterministically for `seed`: customers are taken in order of id, so the
 * order they arrive in does not matter. Requires more customers than the largest k tried.
 * Segments are numbered by size, largest first.
 */
export function segmentCustomers(opts: { customers: SegmentCustomer[]; seed: number; k?: number; kRange?: { min: number; max: number }; sampleSize?: number }): SegmentationResult {
  const customers = [...opts.customers].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const random = seededRandom(opts.seed);
  const raw = rawFeatures(customers);
  const scaling = fitScales(raw);
  const points = standardise(raw, scaling);
  const sample = subset(points, sampleIndices(points.n, opts.sampleSize ?? DEFAULT_SAMPLE_SIZE, random));

  let k = opts.k ?? 0;
  let start: Float64Array;
  const scores: SegmentationResult["scores"] = [];
  let criterion: string;
  if (opts.k !== undefined) {
    start = kMeans(sample, opts.k, random).centroids;
    criterion = `k = ${opts.k}, as asked`;
  } else {
    const range = opts.kRange ?? DEFAULT_K_RANGE;
    let best: { k: number; silhouette: number; centroids: Float64Array } = { k: 0, silhouette: -Infinity, centroids: new Float64Array() };
    for (let candidate = range.min; candidate <= Math.min(range.max, sample.n - 1); candidate++) {
      const found = kMeans(sample, candidate, random);
      const silhouette = meanSilhouette(sample, found.labels, candidate);
      scores.push({ k: candidate, silhouette });
      // Strictly better only: on a tie the fewer segments are easier to act on.
      if (silhouette > best.silhouette) best = { k: candidate, silhouette, centroids: found.centroids };
    }
    k = best.k;
    start = best.centroids;
    criterion = `best mean silhouette on a sample of ${sample.n} customers over k = ${range.min}..${Math.min(range.max, sample.n - 1)}`;
  }

  const found = lloyd(points, start, k);
  const order = orderBySize(found.labels, k);
  const centroids = order.map((c) => Array.from(found.centroids.subarray(c * points.d, c * points.d + points.d)));
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r));
  const labels = Int32Array.from(found.labels, (c) => rank[c]!);
  const model: SegmentModel = { features: [...segmentFeatures], means: scaling.means, scales: scaling.scales, centroids };
  return {
    seed: opts.seed,
    k,
    criterion,
    scores,
    model,
    segments: profiles({ customers, raw, points, labels, k }),
    assignments: customers.map((c, i) => ({ customerId: c.customerId, segment: labels[i]! })),
  };
}

/** Cluster numbers largest first; equal sizes keep their order. */
function orderBySize(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const c of labels) sizes[c]!++;
  return sizes.map((size, c) => ({ size, c })).sort((a, b) => b.size - a.size || a.c - b.c).map((x) => x.c);
}

function profiles(opts: { customers: SegmentCustomer[]; raw: Points; points: Points; labels: Int32Array; k: number }): SegmentProfile[] {
  const { raw, points, labels, k } = opts;
  const d = raw.d;
  const sums = Array.from({ length: k }, () => ({ size: 0, raw: new Float64Array(d), z: new Float64Array(d), risk: 0, value: 0, patterns: new Map<PatternKey, number>() }));
  opts.customers.forEach((c, i) => {
    const s = sums[labels[i]!]!;
    s.size++;
    s.risk += c.churnRisk;
    s.value += c.lifetimeValue;
    for (let j = 0; j < d; j++) {
      s.raw[j]! += raw.values[i * d + j]!;
      s.z[j]! += points.values[i * d + j]!;
    }
    for (const p of new Set(c.patterns)) s.patterns.set(p, (s.patterns.get(p) ?? 0) + 1);
  });
  return sums.map((s, index) => {
    const n = Math.max(1, s.size);
    return {
      index,
      size: s.size,
      share: s.size / Math.max(1, opts.customers.length),
      churnRisk: s.risk / n,
      lifetimeValue: s.value / n,
      means: byFeature((j) => toReadable(segmentFeatures[j]!, s.raw[j]! / n)),
      standardised: byFeature((j) => s.z[j]! / n),
      patternShares: Object.fromEntries([...s.patterns].sort(([a], [b]) => a.localeCompare(b)).map(([p, count]) => [p, count / n])),
    };
  });
}

/** The nearest segment centre to `customer` (Euclidean, standardised units) and its distance. */
export function assignSegment(model: SegmentModel, customer: SegmentCustomer): { segment: number; distance: number } {
  const point = standardise(rawFeatures([customer]), model);
  const centroids = Float64Array.from(model.centroids.flat());
  let segment = 0;
  let best = Infinity;
  for (let c = 0; c < model.centroids.length; c++) {
    const dist = squaredDistance(point, 0, centroids, c);
    if (dist < best) {
      best = dist;
      segment = c;
    }
  }
  return { segment, distance: Math.sqrt(best) };
}
