// The data agent's cache of loaded customers, on lru-cache: at most `maxEntries` customers (the
// least recently used go first) for at most `ttlMs` each, counted from when it was loaded.
import { LRUCache } from "lru-cache";
import type { CustomerData } from "../agents/domain";
import type { CustomerCache } from "../agents/data/data-agent";

export const DATA_CACHE_DEFAULTS = {
  /** Customers kept at most. */
  maxEntries: 10_000,
  /** Age after which a cached customer is loaded again, in milliseconds. */
  ttlMs: 5 * 60_000,
} as const;

export type CustomerCacheOptions = {
  maxEntries?: number;
  ttlMs?: number;
  /** Milliseconds on any steady scale; tests pass a fake one. */
  clock?: () => number;
};

/** A cache for one data agent: fresh for `ttlMs` milliseconds inclusive, at least 1 customer and 1 ms. */
export function createCustomerCache(opts: CustomerCacheOptions = {}): CustomerCache {
  return new LRUCache<string, CustomerData>({
    max: Math.max(1, Math.floor(opts.maxEntries ?? DATA_CACHE_DEFAULTS.maxEntries)),
    // lru-cache reads a ttl of 0 as "never expires"; the shortest life we mean is a millisecond.
    ttl: Math.max(1, Math.floor(opts.ttlMs ?? DATA_CACHE_DEFAULTS.ttlMs)),
    // Read the clock on every check: by default lru-cache reuses one reading for a millisecond, which a fake clock would outrun.
    ttlResolution: 0,
    ...(opts.clock ? { perf: { now: opts.clock } } : {}),
  });
}
