import { expect, test } from "vitest";
import { makeCustomer } from "../agents/journey/testing/fixtures";
import { DATA_CACHE_DEFAULTS, createCustomerCache } from "./customer-cache";

const customer = (id: string) => makeCustomer([], { profile: { id } });

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test("defaults to 10,000 customers for five minutes", () => {
  expect(DATA_CACHE_DEFAULTS).toEqual({ maxEntries: 10_000, ttlMs: 300_000 });
  const clock = fakeClock();
  const cache = createCustomerCache({ clock: clock.now });
  for (let i = 0; i <= 10_000; i++) cache.set(`C${i}`, customer(`C${i}`));
  expect(cache.size).toBe(10_000);
  expect(cache.get("C0")).toBeUndefined();
  clock.advance(300_000);
  expect(cache.get("C10000")).toBeDefined();
  clock.advance(1);
  expect(cache.get("C10000")).toBeUndefined();
});

test.each([
  { name: "a millisecond before the limit", ttlMs: 60_000, age: 59_999, isHeld: true },
  { name: "at the limit", ttlMs: 60_000, age: 60_000, isHeld: true },
  { name: "a millisecond past the limit", ttlMs: 60_000, age: 60_001, isHeld: false },
  { name: "a millisecond past a limit of 0, read as 1 ms", ttlMs: 0, age: 2, isHeld: false },
])("a customer cached $name is held: $isHeld", ({ ttlMs, age, isHeld }) => {
  const clock = fakeClock();
  const cache = createCustomerCache({ ttlMs, clock: clock.now });
  cache.set("A", customer("A"));
  clock.advance(age);
  expect(cache.get("A") !== undefined).toBe(isHeld);
});

test.each([
  { name: "2", maxEntries: 2, held: ["A", "C"] },
  { name: "0, read as 1", maxEntries: 0, held: ["C"] },
])("with room for $name, the least recently used customer goes first", ({ maxEntries, held }) => {
  const cache = createCustomerCache({ maxEntries });
  cache.set("A", customer("A"));
  cache.set("B", customer("B"));
  cache.get("A");
  cache.set("C", customer("C"));
  expect(["A", "B", "C"].filter((id) => cache.get(id) !== undefined)).toEqual(held);
});

test("delete says whether the customer was held, and clear empties the cache", () => {
  const cache = createCustomerCache();
  cache.set("A", customer("A"));
  cache.set("B", customer("B"));
  expect([cache.delete("A"), cache.delete("A")]).toEqual([true, false]);
  cache.clear();
  expect(cache.size).toBe(0);
});
