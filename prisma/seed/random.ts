// A small seeded PRNG: the demo data must come out identical for the same seed on every machine,
// which Math.random cannot give.
import { fmix32, mulberry32 } from "../../lib/agents/random";

export type Rng = {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Uniform integer in [min, max], both inclusive. */
  int: (min: number, max: number) => number;
  /** Uniform in [min, max), rounded to `decimals` places. */
  float: (min: number, max: number, decimals?: number) => number;
  chance: (probability: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  /** One item drawn with probability proportional to its weight; weights need not sum to 1. */
  weighted: <T>(items: readonly (readonly [T, number])[]) => T;
};

/**
 * A 32-bit seed for one independent stream, e.g. (seed, customer index, facet). Each customer's
 * facets get their own stream so any one can be regenerated without replaying the others.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = fmix32(h ^ fmix32((p >>> 0) + Math.floor(p / 4294967296)));
  return h;
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** A seeded random source; the same seed always yields the same sequence. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    float: (min, max, decimals = 2) => roundTo(min + next() * (max - min), decimals),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new Error("weighted pick from an empty list");
      return last[0];
    },
  };
}
