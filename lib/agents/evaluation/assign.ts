// Sticky group assignment: the same customer and experiment always land in the same arm, with no
// stored state, so a customer held out today is held out in every later run of that experiment.
import { fmix32 } from "../random";

/** An arm of an experiment and the share of customers it receives, in (0, 1]; shares sum to 1. */
export type Arm = { key: string; share: number };

/**
 * 32-bit FNV-1a over UTF-16 code units, then murmur3's finaliser so that ids differing only in
 * their last characters still spread over the whole range. Written here because lib/agents may
 * import only itself and zod.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** A point in [0, 1) fixed by customer and experiment. */
export function bucketOf(customerId: string, experimentKey: string): number {
  return hash32(`${experimentKey}\u0000${customerId}`) / 2 ** 32;
}

/** The arm whose cumulative share first exceeds the customer's bucket; arms keep their given order. */
export function assignArm(customerId: string, experimentKey: string, arms: readonly Arm[]): string {
  const u = bucketOf(customerId, experimentKey);
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += arm.share;
    if (u < cumulative) return arm.key;
  }
  // Shares that sum to 1 only up to rounding leave a sliver at the top: it belongs to the last arm.
  return arms[arms.length - 1]!.key;
}
