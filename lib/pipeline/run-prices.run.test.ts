import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { createPgCapacityStore } from "./pg-capacity-store";
import { MIN_CUSTOMERS_TO_PRICE } from "./run-prices";
import { createRun, executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

describe("a batch run refreshes the capacity prices", () => {
  const t = usePoolPerTest({ max: 10 });

  test.each([
    { title: `stores a price for every resource before its first hold when ${MIN_CUSTOMERS_TO_PRICE} customers are decided`, customers: MIN_CUSTOMERS_TO_PRICE, isPriced: true },
    { title: "keeps the stored prices for a run of a few customers, who pay them instead", customers: 3, isPriced: false },
  ])("$title", async ({ customers, isPriced }) => {
    await insertCatalog(t.db.url, { limits: { call_slots: 2 } });
    const ids = await insertCustomers(t.db.url, { count: customers });
    await insertPermissions(t.db.url, ids);
    const store = createPgCapacityStore(t.pool);
    const run = await createRun(t.pool, { scope: { customerIds: ids }, policy: "rules" });
    await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 25 });
    const stored = await store.readPrices!();
    expect(stored.updatedAt !== null).toBe(isPriced);
    if (isPriced) expect(Object.keys(stored.prices).sort()).toEqual(["call_slots", "sms_quota"]);
  });
});
