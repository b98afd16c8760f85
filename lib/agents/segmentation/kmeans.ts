// k-means++ on points stored row by row in one Float64Array: plain loops, because segmenting a
// hundred thousand customers must stay well under ten seconds.
import { mulberry32 } from "../random";

/** A seeded PRNG: the same seed gives the same stream, so segments are reproducible. */
export const seededRandom = mulberry32;

/** `n` points of `d` dimensions, point i at `values[i*d .. i*d+d)`. */
export type Points = { values: Float64Array; n: number; d: number };

export function squaredDistance(p: Points, i: number, centroids: Float64Array, c: number): number {
  let sum = 0;
  const a = i * p.d;
  const b = c * p.d;
  for (let j = 0; j < p.d; j++) {
    const diff = p.values[a + j]! - centroids[b + j]!;
    sum += diff * diff;
  }
  return sum;
}

function nearest(p: Points, i: number, centroids: Float64Array, k: number): { index: number; distance: number } {
  let index = 0;
  let distance = Infinity;
  for (let c = 0; c < k; c++) {
    const dist = squaredDistance(p, i, centroids, c);
    if (dist < distance) {
      distance = dist;
      index = c;
    }
  }
  return { index, distance };
}

/** k-means++ seeding: each next centre drawn with probability proportional to its squared distance from the nearest chosen one. */
export function seedCentroids(p: Points, k: number, random: () => number): Float64Array {
  const centroids = new Float64Array(k * p.d);
  const first = Math.min(p.n - 1, Math.floor(random() * p.n));
  centroids.set(p.values.subarray(first * p.d, first * p.d + p.d), 0);
  const closest = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) closest[i] = squaredDistance(p, i, centroids, 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < p.n; i++) total += closest[i]!;
    let pick = p.n - 1;
    if (total > 0) {
      let target = random() * total;
      for (let i = 0; i < p.n; i++) {
        target -= closest[i]!;
        if (target < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = Math.min(p.n - 1, Math.floor(random() * p.n));
    }
    centroids.set(p.values.subarray(pick * p.d, pick * p.d + p.d), c * p.d);
    for (let i = 0; i < p.n; i++) {
      const dist = squaredDistance(p, i, centroids, c);
      if (dist < closest[i]!) closest[i] = dist;
    }
  }
  return centroids;
}

export type Clustering = { centroids: Float64Array; labels: Int32Array; inertia: number };

/** Lloyd's iterations from `centroids` until no point moves or `maxIterations`; an emptied cluster keeps its centre. */
export function lloyd(p: Points, start: Float64Array, k: number, maxIterations = 100): Clustering {
  const centroids = Float64Array.from(start);
  const labels = new Int32Array(p.n).fill(-1);
  const sums = new Float64Array(k * p.d);
  const counts = new Int32Array(k);
  let inertia = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let moved = 0;
    inertia = 0;
    for (let i = 0; i < p.n; i++) {
      const { index, distance } = nearest(p, i, centroids, k);
      inertia += distance;
      if (labels[i] !== index) {
        labels[i] = index;
        moved++;
      }
    }
    if (moved === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < p.n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < p.d; j++) sums[c * p.d + j]! += p.values[i * p.d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < p.d; j++) centroids[c * p.d + j] = sums[c * p.d + j]! / counts[c]!;
    }
  }
  return { centroids, labels, inertia };
}

/** The lowest-inertia clustering of `restarts` k-means++ starts, each drawing from `random` in turn. */
export function kMeans(p: Points, k: number, random: () => number, restarts = 3): Clustering {
  let best: Clustering | null = null;
  for (let r = 0; r < restarts; r++) {
    const found = lloyd(p, seedCentroids(p, k, random), k);
    if (!best || found.inertia < best.inertia) best = found;
  }
  return best!;
}

/**
 * Mean silhouette of `labels` over all `p.n` points, in [-1, 1] (Euclidean distance; a point
 * alone in its cluster scores 0). Quadratic in n: call it on a sample.
 */
export function meanSilhouette(p: Points, labels: Int32Array, k: number): number {
  const sizes = new Int32Array(k);
  for (let i = 0; i < p.n; i++) sizes[labels[i]!]!++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < p.n; i++) {
    sums.fill(0);
    for (let o = 0; o < p.n; o++) {
      if (o === i) continue;
      let sq = 0;
      for (let j = 0; j < p.d; j++) {
        const diff = p.values[i * p.d + j]! - p.values[o * p.d + j]!;
        sq += diff * diff;
      }
      sums[labels[o]!]! += Math.sqrt(sq);
    }
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === own || sizes[c] === 0) continue;
      b = Math.min(b, sums[c]! / sizes[c]!);
    }
    if (!Number.isFinite(b)) continue;
    const denominator = Math.max(a, b);
    total += denominator === 0 ? 0 : (b - a) / denominator;
  }
  return p.n === 0 ? 0 : total / p.n;
}

/** `size` distinct indices of [0, n) drawn without replacement (partial Fisher–Yates), in ascending order. */
export function sampleIndices(n: number, size: number, random: () => number): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const take = Math.min(n, size);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.subarray(0, take).sort();
}
