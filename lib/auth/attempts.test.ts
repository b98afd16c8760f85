// The sign-in limiter against PostgreSQL: two limiters with pools of their own stand for two
// server processes over one database.
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { type AttemptLimiter, createAttemptLimiter } from "./attempts";

let db: TestDatabase;
let pools: pg.Pool[];

beforeAll(async () => {
  db = await createTestDatabase();
  pools = [new pg.Pool({ connectionString: db.url, max: 4 }), new pg.Pool({ connectionString: db.url, max: 4 })];
}, 120_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});

/** One limiter per "process", each on its own pool. */
function processes(opts: { name: string; max: number; windowMs: number }): [AttemptLimiter, AttemptLimiter] {
  return [createAttemptLimiter({ ...opts, pool: pools[0]! }), createAttemptLimiter({ ...opts, pool: pools[1]! })];
}

test.each([
  { seenBy: 0, title: "the process that took the first ten" },
  { seenBy: 1, title: "the other process" },
])("refuses an account's 11th attempt when 10 are allowed, seen by $title", async ({ seenBy }) => {
  const limiters = processes({ name: "account", max: 10, windowMs: 15 * 60_000 });
  const key = `email:eleventh-${seenBy}@example.test`;
  const firstTen = [];
  for (let i = 0; i < 10; i++) firstTen.push(await limiters[i % 2]!.hit([key]));
  expect(firstTen).toEqual(Array(10).fill(true));
  expect(await limiters[seenBy]!.hit([key])).toBe(false);
  expect(await limiters[1 - seenBy]!.hit([`email:someone-else-${seenBy}@example.test`])).toBe(true);
});

test("allows exactly 10 of 30 simultaneous attempts on one account from two processes", async () => {
  const limiters = processes({ name: "account", max: 10, windowMs: 15 * 60_000 });
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => limiters[i % 2]!.hit(["email:race@example.test"])));
  expect(results.filter(Boolean)).toHaveLength(10);
});

test("allows an account again once its window has passed", async () => {
  const [a, b] = processes({ name: "account", max: 2, windowMs: 400 });
  expect([await a.hit(["email:window@example.test"]), await b.hit(["email:window@example.test"])]).toEqual([true, true]);
  expect(await a.hit(["email:window@example.test"])).toBe(false);
  await new Promise((r) => setTimeout(r, 450));
  expect(await b.hit(["email:window@example.test"])).toBe(true);
});

test("a successful sign-in in one process clears the account's count for the other", async () => {
  const [a, b] = processes({ name: "account", max: 2, windowMs: 60_000 });
  await a.hit(["email:cleared@example.test"]);
  await a.hit(["email:cleared@example.test"]);
  expect(await b.hit(["email:cleared@example.test"])).toBe(false);
  await a.clear("email:cleared@example.test");
  expect(await b.hit(["email:cleared@example.test"])).toBe(true);
});

test("a refused attempt counts for none of its keys: a blocked address does not use up the account's tries", async () => {
  const [a] = processes({ name: "both", max: 1, windowMs: 60_000 });
  expect(await a.hit(["ip:198.51.100.1"])).toBe(true);
  expect(await a.hit(["email:spared@example.test", "ip:198.51.100.1"])).toBe(false);
  expect(await a.hit(["email:spared@example.test", "ip:198.51.100.2"])).toBe(true);
});

test("keeps the account limiter's counts apart from the address limiter's for the same key", async () => {
  const account = createAttemptLimiter({ name: "account", pool: pools[0]!, max: 1, windowMs: 60_000 });
  const address = createAttemptLimiter({ name: "address", pool: pools[0]!, max: 1, windowMs: 60_000 });
  expect(await account.hit(["shared-key"])).toBe(true);
  expect(await address.hit(["shared-key"])).toBe(true);
});

test("stores neither emails nor addresses, and keys of any length fit", async () => {
  const [a] = processes({ name: "account", max: 5, windowMs: 60_000 });
  expect(await a.hit([`email:${"x".repeat(400)}@example.test`, "ip:203.0.113.9"])).toBe(true);
  const { rows } = await pools[0]!.query<{ key: string }>(`SELECT key FROM "SignInAttempt"`);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.key).not.toMatch(/@|203\.0\.113/);
});
