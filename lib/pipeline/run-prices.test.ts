import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { PlanCustomer } from "../agents/allocation/optimize";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { createHighsSolver } from "../optimization/highs";
import { createPgCapacityStore } from "./pg-capacity-store";
import { refreshCapacityPrices } from "./run-prices";
import { insertCatalog } from "./testing/fixtures";

describe("a run's capacity prices", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url, { limits: { call_slots: 3 } });
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  // Customers worth £100, £90, ... for a call, each with an SMS worth £20 as the fallback.
  const wanting = (count: number): PlanCustomer[] =>
    Array.from({ length: count }, (_, i) => ({
      customerId: `C-${i}`,
      isHighValue: false,
      priority: 100 - i,
      options: [
        { treatmentKey: "retention_call", value: 100 - 10 * i, resourceKey: "call_slots", units: 1 },
        { treatmentKey: "retention_sms", value: 20, resourceKey: "sms_quota", units: 1 },
      ],
    }));

  test.each([
    { title: "prices a call slot between the last customer served and the first turned away when 5 want 3 slots", customers: 5, low: 70 - 20, high: 80 - 20 },
    { title: "prices a call slot at nothing when 3 want 3 slots", customers: 3, low: 0, high: 0 },
  ])("$title", async ({ customers, low, high }) => {
    const store = createPgCapacityStore(pool);
    await refreshCapacityPrices({ store, customers: wanting(customers), solver: createHighsSolver() });
    const stored = await store.readPrices!();
    expect(stored.prices.call_slots).toBeGreaterThanOrEqual(low);
    expect(stored.prices.call_slots).toBeLessThanOrEqual(high);
    expect(stored.prices.sms_quota).toBe(0);
    const { rows } = await pool.query<{ used: number }>(`SELECT sum(used)::int AS used FROM "ResourceConstraint"`);
    expect(rows[0]?.used).toBe(0);
  });
});
