import { describe, expect, test } from "vitest";
import type { CustomerData } from "../domain";
import type { DataAgentMessage } from "../messages";
import type { CustomerDataSource } from "../ports";
import { makeCustomer } from "../journey/testing/fixtures";
// The limits of the cache the app gives the agent; everywhere else an unbounded map stands in.
import { createCustomerCache } from "../../pipeline/customer-cache";
import { type CustomerCache, MAX_CUSTOMER_ID_CHARS, createDataAgent, invalidateCustomerData } from "./data-agent";

/** A cache that keeps everything: the agent's behaviour without any limits. */
function mapCache(): CustomerCache {
  const rows = new Map<string, CustomerData>();
  return {
    get: (id) => rows.get(id),
    set: (id, data) => void rows.set(id, data),
    delete: (id) => rows.delete(id),
    clear: () => rows.clear(),
    get size() {
      return rows.size;
    },
  };
}

/** An in-memory source that records every load and can hold loads until released. */
function memorySource(ids: string[]) {
  const rows = new Map<string, CustomerData>(ids.map((id) => [id, makeCustomer([], { profile: { id } })]));
  const loads: string[][] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => {};
  const source: CustomerDataSource & { loads: string[][]; hold(): void; release(): void; rows: typeof rows } = {
    loads,
    rows,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
      gate = null;
    },
    async loadCustomers(wanted) {
      loads.push([...wanted]);
      if (gate) await gate;
      return new Map(wanted.flatMap((id) => (rows.has(id) ? [[id, structuredClone(rows.get(id)!)] as const] : [])));
    },
  };
  return source;
}

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const get = (customerId: string) => ({ type: "get_customer_data", customerId }) as const;

describe("get_customer_data", () => {
  test("loads a customer once, then serves it from the cache", async () => {
    const source = memorySource(["A"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    const first = await agent.process(get("A"));
    const second = await agent.process(get("A"));
    expect(first).toMatchObject({ ok: true, type: "get_customer_data", data: { profile: { id: "A" }, isFromCache: false } });
    expect(second).toMatchObject({ ok: true, data: { profile: { id: "A" }, isFromCache: true } });
    expect(source.loads).toEqual([["A"]]);
  });

  test("returns profile, events, permissions and prior contacts", async () => {
    const source = memorySource(["A"]);
    const r = await createDataAgent({ source, cache: mapCache() }).process(get("A"));
    if (!r.ok || r.type !== "get_customer_data") throw new Error("expected data");
    expect(Object.keys(r.data).sort()).toEqual(["events", "isFromCache", "permissions", "priorContacts", "profile"]);
  });

  test("answers an unknown id with not_found", async () => {
    const r = await createDataAgent({ source: memorySource([]), cache: mapCache() }).process(get("NOPE"));
    expect(r).toMatchObject({ ok: false, type: "get_customer_data", error: { code: "not_found" } });
  });

  test.each([
    { name: "an empty id", customerId: "" },
    { name: "a blank id", customerId: "   " },
    { name: "a numeric id", customerId: 42 },
    { name: "a missing id", customerId: undefined },
    { name: "an id that is too long", customerId: "x".repeat(MAX_CUSTOMER_ID_CHARS + 1) },
  ])("rejects $name as invalid_message without touching the source", async ({ customerId }) => {
    const source = memorySource([]);
    const r = await createDataAgent({ source, cache: mapCache() }).process({ type: "get_customer_data", customerId } as unknown as DataAgentMessage);
    expect(r).toMatchObject({ ok: false, type: "get_customer_data", error: { code: "invalid_message" } });
    expect(source.loads).toEqual([]);
  });

  test("concurrent requests for one customer share one load", async () => {
    const source = memorySource(["A"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    source.hold();
    const pending = [agent.process(get("A")), agent.process(get("A"))];
    source.release();
    const answers = await Promise.all(pending);
    expect(source.loads).toEqual([["A"]]);
    expect(answers.map((r) => r.ok && r.type === "get_customer_data" && r.data.isFromCache)).toEqual([false, true]);
  });

  test("a failing source throws instead of answering, and the next request tries again", async () => {
    const source = memorySource(["A"]);
    let fails = true;
    const flaky: CustomerDataSource = {
      loadCustomers: async (ids) => {
        if (fails) throw new Error("connection refused");
        return source.loadCustomers(ids);
      },
    };
    const agent = createDataAgent({ source: flaky, cache: mapCache() });
    await expect(agent.process(get("A"))).rejects.toThrow("connection refused");
    fails = false;
    expect(await agent.process(get("A"))).toMatchObject({ ok: true, data: { isFromCache: false } });
  });
});

describe("cache limits", () => {
  test.each([
    { name: "at the limit", age: 60_000, isFromCache: true, loads: 1 },
    { name: "one millisecond past the limit", age: 60_001, isFromCache: false, loads: 2 },
  ])("a customer cached $name is served from the cache: $isFromCache", async ({ age, isFromCache, loads }) => {
    const source = memorySource(["A"]);
    const clock = fakeClock();
    const agent = createDataAgent({ source, cache: createCustomerCache({ ttlMs: 60_000, clock: clock.now }) });
    await agent.process(get("A"));
    clock.advance(age);
    expect(await agent.process(get("A"))).toMatchObject({ ok: true, data: { isFromCache } });
    expect(source.loads).toHaveLength(loads);
  });

  test("keeps at most maxEntries customers, dropping the least recently used", async () => {
    const source = memorySource(["A", "B", "C"]);
    const agent = createDataAgent({ source, cache: createCustomerCache({ maxEntries: 2 }) });
    await agent.process(get("A"));
    await agent.process(get("B"));
    await agent.process(get("A"));
    await agent.process(get("C"));
    expect(await agent.process(get("A"))).toMatchObject({ data: { isFromCache: true } });
    expect(await agent.process(get("B"))).toMatchObject({ data: { isFromCache: false } });
  });
});

describe("prefetch_customers", () => {
  test("loads many customers in one round trip and names the missing ones", async () => {
    const source = memorySource(["A", "B", "C"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    const r = await agent.process({ type: "prefetch_customers", customerIds: ["A", "B", "X", "C", "A"] });
    expect(r).toEqual({ ok: true, type: "prefetch_customers", data: { loaded: 3, missing: ["X"] } });
    expect(source.loads).toEqual([["A", "B", "X", "C"]]);
    for (const id of ["A", "B", "C"]) expect(await agent.process(get(id))).toMatchObject({ data: { isFromCache: true } });
    expect(source.loads).toHaveLength(1);
  });

  test("loads only the customers not already cached", async () => {
    const source = memorySource(["A", "B"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    await agent.process(get("A"));
    expect(await agent.process({ type: "prefetch_customers", customerIds: ["A", "B"] })).toMatchObject({ data: { loaded: 2, missing: [] } });
    expect(source.loads).toEqual([["A"], ["B"]]);
  });

  test("a request arriving while a prefetch is under way waits for it instead of loading again", async () => {
    const source = memorySource(["A", "B"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    source.hold();
    const prefetch = agent.process({ type: "prefetch_customers", customerIds: ["A", "B"] });
    const single = agent.process(get("B"));
    source.release();
    await prefetch;
    expect(await single).toMatchObject({ ok: true, data: { profile: { id: "B" }, isFromCache: true } });
    expect(source.loads).toEqual([["A", "B"]]);
  });

  test("an empty list loads nothing", async () => {
    const source = memorySource([]);
    expect(await createDataAgent({ source, cache: mapCache() }).process({ type: "prefetch_customers", customerIds: [] })).toMatchObject({ ok: true, data: { loaded: 0, missing: [] } });
    expect(source.loads).toEqual([]);
  });

  test.each([
    { name: "a list that is not an array", customerIds: "A,B" },
    { name: "a list with an empty id", customerIds: ["A", ""] },
    { name: "a list with a number", customerIds: ["A", 7] },
  ])("rejects $name", async ({ customerIds }) => {
    const r = await createDataAgent({ source: memorySource([]), cache: mapCache() }).process({ type: "prefetch_customers", customerIds } as unknown as DataAgentMessage);
    expect(r).toMatchObject({ ok: false, type: "prefetch_customers", error: { code: "invalid_message" } });
  });
});

describe("clear_cache", () => {
  test("clears one customer, leaving the others cached", async () => {
    const source = memorySource(["A", "B"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    await agent.process({ type: "prefetch_customers", customerIds: ["A", "B"] });
    expect(await agent.process({ type: "clear_cache", customerId: "A" })).toEqual({ ok: true, type: "clear_cache", data: { cleared: 1 } });
    expect(await agent.process(get("A"))).toMatchObject({ data: { isFromCache: false } });
    expect(await agent.process(get("B"))).toMatchObject({ data: { isFromCache: true } });
  });

  test("clears everything without an id", async () => {
    const source = memorySource(["A", "B"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    await agent.process({ type: "prefetch_customers", customerIds: ["A", "B"] });
    expect(await agent.process({ type: "clear_cache" })).toMatchObject({ data: { cleared: 2 } });
    expect(await agent.process(get("B"))).toMatchObject({ data: { isFromCache: false } });
  });

  test("clearing a customer that is not cached clears nothing", async () => {
    expect(await createDataAgent({ source: memorySource([]), cache: mapCache() }).process({ type: "clear_cache", customerId: "A" })).toMatchObject({ ok: true, data: { cleared: 0 } });
  });

  test("a customer cleared while its load is under way is not cached from that load", async () => {
    const source = memorySource(["A"]);
    const agent = createDataAgent({ source, cache: mapCache() });
    source.hold();
    const prefetch = agent.process({ type: "prefetch_customers", customerIds: ["A"] });
    await agent.process({ type: "clear_cache", customerId: "A" });
    source.release();
    await prefetch;
    expect(await agent.process(get("A"))).toMatchObject({ data: { isFromCache: false } });
    expect(source.loads).toHaveLength(2);
  });

  test("rejects an empty id", async () => {
    const r = await createDataAgent({ source: memorySource([]), cache: mapCache() }).process({ type: "clear_cache", customerId: "" });
    expect(r).toMatchObject({ ok: false, type: "clear_cache", error: { code: "invalid_message" } });
  });

  test("invalidateCustomerData reaches every live agent", async () => {
    const source = memorySource(["A"]);
    const one = createDataAgent({ source, cache: mapCache() });
    const two = createDataAgent({ source, cache: mapCache() });
    await one.process(get("A"));
    await two.process(get("A"));
    source.rows.set("A", makeCustomer([], { profile: { id: "A", plan: "Unlimited Max" } }));
    expect(await invalidateCustomerData("A")).toBeGreaterThanOrEqual(2);
    expect(await one.process(get("A"))).toMatchObject({ data: { isFromCache: false, profile: { plan: "Unlimited Max" } } });
    expect(await two.process(get("A"))).toMatchObject({ data: { isFromCache: false, profile: { plan: "Unlimited Max" } } });
  });
});

describe("messages", () => {
  test.each([{ type: "load_everything" }, { type: 3 }, null, "get_customer_data"])("answers %j with unknown_message_type", async (message) => {
    const r = await createDataAgent({ source: memorySource([]), cache: mapCache() }).process(message as unknown as DataAgentMessage);
    expect(r).toMatchObject({ ok: false, error: { code: "unknown_message_type" } });
  });

  test("is named data", () => {
    expect(createDataAgent({ source: memorySource([]), cache: mapCache() }).name).toBe("data");
  });
});
