// The data agent: a customer's profile, events, permissions and prior contacts from a data
// source, behind a cache it is given (bounded in size and age by the adapter that implements it,
// lib/pipeline/customer-cache.ts). Concurrent requests for a customer whose load is under way share
// that load.
//
// Invalidation: when the app changes a customer's data (an import, an edit, a review), it calls
// `invalidateCustomerData(customerId)`, which sends `clear_cache` to every data agent alive in this
// process; a running pipeline then loads that customer afresh. Without an id it clears them all.
import type { CustomerData } from "../domain";
import type { DataAgentMessage, DataAgentResponse } from "../messages";
import type { CustomerDataSource } from "../ports";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "../protocol";

export const DATA_AGENT_NAME = "data";

/** Longest customer id accepted, in characters. */
export const MAX_CUSTOMER_ID_CHARS = 200;
/** Most customers one prefetch may name. */
export const MAX_PREFETCH = 50_000;

/**
 * Where a data agent keeps loaded customers, one cache per agent. The implementation decides how
 * many it keeps and for how long; the agent only relies on a miss meaning "load it again".
 */
export type CustomerCache = {
  /** The customer if still held (counting as a use), else undefined. */
  get(customerId: string): CustomerData | undefined;
  set(customerId: string, data: CustomerData): void;
  /** True when the customer was held. */
  delete(customerId: string): boolean;
  clear(): void;
  readonly size: number;
};

export type DataAgentOptions = {
  source: CustomerDataSource;
  cache: CustomerCache;
};

export type DataAgent = Agent<DataAgentMessage, DataAgentResponse>;

/** A load under way; ids cleared while it runs are not cached when it lands. */
type Load = { result: Promise<Map<string, CustomerData>>; stale: Set<string>; isAllStale: boolean };

const live = new Set<WeakRef<DataAgent>>();

/**
 * Clears `customerId` (every customer without it) from the cache of every data agent alive in this
 * process; returns how many cached customers were dropped.
 */
export async function invalidateCustomerData(customerId?: string): Promise<number> {
  let cleared = 0;
  for (const ref of live) {
    const agent = ref.deref();
    if (!agent) {
      live.delete(ref);
      continue;
    }
    const response = await agent.process(customerId === undefined ? { type: "clear_cache" } : { type: "clear_cache", customerId });
    if (response.ok && response.type === "clear_cache") cleared += response.data.cleared;
  }
  return cleared;
}

/** Null, or why `value` is not a customer id. */
function idProblem(value: unknown, path: string): string | null {
  if (typeof value !== "string" || value.trim() === "") return `${path} must be a non-empty string`;
  if (value.length > MAX_CUSTOMER_ID_CHARS) return `${path} must be at most ${MAX_CUSTOMER_ID_CHARS} characters`;
  return null;
}

const invalid = (type: DataAgentMessage["type"], reason: string) => fail(type, "invalid_message", reason) as DataAgentResponse;

/**
 * A data agent over `source`, keeping what it loads in `cache` (its own: clearing it clears this
 * agent). Cached customer data is shared between answers, so callers treat it as read-only.
 */
export function createDataAgent(opts: DataAgentOptions): DataAgent {
  const { source, cache } = opts;
  const loading = new Map<string, Load>();

  /** One source round trip for `ids`; other requests for them wait on it. */
  function load(ids: string[]): Load {
    const entry: Load = { result: Promise.resolve(new Map()), stale: new Set(), isAllStale: false };
    entry.result = (async () => {
      try {
        const found = await source.loadCustomers(ids);
        for (const [id, data] of found) {
          if (!entry.isAllStale && !entry.stale.has(id)) cache.set(id, data);
        }
        return found;
      } finally {
        for (const id of ids) if (loading.get(id) === entry) loading.delete(id);
      }
    })();
    for (const id of ids) loading.set(id, entry);
    return entry;
  }

  function clear(customerId?: string): number {
    if (customerId === undefined) {
      const cleared = cache.size;
      cache.clear();
      for (const l of loading.values()) l.isAllStale = true;
      loading.clear();
      return cleared;
    }
    const pending = loading.get(customerId);
    if (pending) {
      pending.stale.add(customerId);
      loading.delete(customerId);
    }
    return cache.delete(customerId) ? 1 : 0;
  }

  const handlers: HandlerMap<DataAgentMessage, DataAgentResponse> = {
    get_customer_data: async (m) => {
      const problem = idProblem(m.customerId, "customerId");
      if (problem) return invalid(m.type, problem);
      const id = m.customerId;
      const hit = cache.get(id);
      if (hit) return ok(m.type, { ...hit, isFromCache: true });
      // A load another message started (a prefetch) counts as the cache serving this one.
      const pending = loading.get(id);
      const found = await (pending ?? load([id])).result;
      const data = found.get(id);
      if (!data) return fail(m.type, "not_found", `No customer with id ${id}.`) as DataAgentResponse;
      return ok(m.type, { ...data, isFromCache: pending !== undefined });
    },
    prefetch_customers: async (m) => {
      if (!Array.isArray(m.customerIds)) return invalid(m.type, "customerIds must be an array of customer ids");
      if (m.customerIds.length > MAX_PREFETCH) return invalid(m.type, `customerIds may name at most ${MAX_PREFETCH} customers`);
      for (let i = 0; i < m.customerIds.length; i++) {
        const problem = idProblem(m.customerIds[i], `customerIds[${i}]`);
        if (problem) return invalid(m.type, problem);
      }
      const ids = [...new Set(m.customerIds)];
      const present = new Set<string>();
      const waits: Promise<Map<string, CustomerData>>[] = [];
      const toLoad: string[] = [];
      for (const id of ids) {
        if (cache.get(id)) present.add(id);
        else {
          const pending = loading.get(id);
          if (pending) waits.push(pending.result);
          else toLoad.push(id);
        }
      }
      if (toLoad.length > 0) waits.push(load(toLoad).result);
      for (const found of await Promise.all(waits)) for (const id of found.keys()) present.add(id);
      const missing = ids.filter((id) => !present.has(id));
      return ok(m.type, { loaded: ids.length - missing.length, missing });
    },
    clear_cache: async (m) => {
      if (m.customerId !== undefined) {
        const problem = idProblem(m.customerId, "customerId");
        if (problem) return invalid(m.type, problem);
      }
      return ok(m.type, { cleared: clear(m.customerId) });
    },
  };

  const agent: DataAgent = { name: DATA_AGENT_NAME, process: (message) => dispatch(DATA_AGENT_NAME, handlers, message) };
  live.add(new WeakRef(agent));
  return agent;
}
