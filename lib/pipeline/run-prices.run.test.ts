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

describe("a customer run between two batch runs uses the stored prices", () => {
  const t = usePoolPerTest({ max: 10 });
  const callOf = async (runId: string) => {
    const { rows } = await t.pool.query<{ treatmentKey: string | null; fates: { treatmentKey: string; rule?: string; reason?: string; price?: number }[] }>(
      `SELECT "treatmentKey", fates FROM "Recommendation" WHERE "runId" = $1`,
      [runId],
    );
    return { treatmentKey: rows[0]!.treatmentKey, call: rows[0]!.fates.find((f) => f.treatmentKey === "retention_call") };
  };
  const runOf = async (ids: string[]) => {
    const run = await createRun(t.pool, { scope: { customerIds: ids }, policy: "rules" });
    await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null, batchSize: 25 });
    return run.runId;
  };

  test("the batch run prices the scarce call slots, the lone customer is refused one, and after the limit is raised and the next batch run it is admitted", async () => {
    await insertCatalog(t.db.url, { limits: { call_slots: 10 } });
    const batch = await insertCustomers(t.db.url, { count: MIN_CUSTOMERS_TO_PRICE, highValueEvery: 5 });
    const [lone] = await insertCustomers(t.db.url, { count: 1, prefix: "L" });
    await insertPermissions(t.db.url, [...batch, lone!]);
    const store = createPgCapacityStore(t.pool);

    await runOf(batch);
    const priced = await store.readPrices!();
    expect(priced.prices.call_slots).toBeGreaterThan(0);
    const refused = await callOf(await runOf([lone!]));
    expect(refused.treatmentKey).toBe("retention_sms");
    expect(refused.call).toMatchObject({ rule: "set_aside", price: priced.prices.call_slots, reason: expect.stringMatching(/^Not worth its capacity today: Retention call: a call-centre slot is worth £\d+ today; its gain over Retention SMS is £\d+$/) });
    const { rows: held } = await t.pool.query<{ used: number }>(`SELECT used FROM "ResourceConstraint" WHERE key = 'call_slots'`);
    expect(held[0]!.used).toBe(10);

    await t.pool.query(`UPDATE "ResourceConstraint" SET "limit" = 100 WHERE key = 'call_slots'`);
    await runOf(batch);
    expect((await store.readPrices!()).prices.call_slots).toBe(0);
    expect((await callOf(await runOf([lone!]))).treatmentKey).toBe("retention_call");
  });
});
