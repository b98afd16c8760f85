import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { createPgCapacityStore } from "./pg-capacity-store";
import { createRun, executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

describe("a batch run refreshes the capacity prices", () => {
  const t = usePoolPerTest({ max: 10 });

  test.each([
    { title: "stores a price for every resource before its first hold, with 8 customers for 1 call slot", limit: 1 },
    { title: "stores a price for every resource when the call slots are plenty", limit: 100 },
  ])("$title", async ({ limit }) => {
    await insertCatalog(t.db.url, { limits: { call_slots: limit } });
    const ids = await insertCustomers(t.db.url, { count: 8 });
    await insertPermissions(t.db.url, ids);
    const store = createPgCapacityStore(t.pool);
    expect((await store.readPrices!()).updatedAt).toBeNull();
    const run = await createRun(t.pool, { scope: { customerIds: ids }, policy: "rules" });
    await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 4 });
    const stored = await store.readPrices!();
    expect(stored.updatedAt).not.toBeNull();
    expect(Object.keys(stored.prices).sort()).toEqual(["call_slots", "sms_quota"]);
    if (limit === 100) expect(stored.prices.call_slots).toBe(0);
  });
});
