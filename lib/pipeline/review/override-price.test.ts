import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../../database/testing";
import { AppError } from "../../errors";
import { loadCatalog } from "../catalog";
import { customerFactsOf, loadCustomerJourney } from "../customer-journey";
import { createPgCapacityStore } from "../pg-capacity-store";
import { listOverrideChoices, reviewRecommendations } from "../review";
import { createRun, executeRun } from "../runs";
import { insertCatalog, insertCustomers, insertPermissions } from "../testing/fixtures";

let db: TestDatabase;
let pool: pg.Pool;

beforeEach(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
});
afterEach(async () => {
  await pool.end();
  await db.drop();
});

const SMS_VALUE = 95;
const CALL_VALUE = 135;

/**
 * One customer whose pending recommendation is Retention SMS (£95), with Retention call (£135) as
 * its ranked alternative: a call's gain over the unpriced SMS is £40. Call slots are then free to take.
 */
async function smsRecommendation(): Promise<string> {
  await insertCatalog(db.url, { limits: { call_slots: 0, sms_quota: 100 } });
  const ids = await insertCustomers(db.url, { count: 1 });
  await insertPermissions(db.url, ids);
  const run = await createRun(pool, { scope: { customerIds: ids }, policy: "rules" });
  await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
  const { rows } = await pool.query<{ id: string }>(
    `UPDATE "Recommendation" SET "treatmentKey" = 'retention_sms', "expectedValue" = $1, fates = NULL,
        alternatives = jsonb_build_array(jsonb_build_object('treatmentKey', 'retention_call', 'expectedValue', $2::float8, 'reason', 'Ranked second'))
      WHERE status = 'pending_review' RETURNING id`,
    [SMS_VALUE, CALL_VALUE],
  );
  await pool.query(`UPDATE "ResourceConstraint" SET "limit" = 10 WHERE key = 'call_slots'`);
  return rows[0]!.id;
}

async function priceCallSlots(price: number) {
  await pool.query(`UPDATE "ResourceConstraint" SET price = $1, "highValuePrice" = $1, "priceUpdatedAt" = now() WHERE key = 'call_slots'`, [price]);
}

async function overrideToCall(id: string) {
  return reviewRecommendations({
    store: createPgCapacityStore(pool),
    catalog: await loadCatalog(pool),
    recommendationIds: [id],
    action: { kind: "override", treatmentKey: "retention_call", reason: "Asked to be called" },
    reviewer: { id: null, label: "Test manager" },
    loadFacts: async (customerId) => {
      const journey = await loadCustomerJourney(pool, customerId);
      return journey ? customerFactsOf(journey, new Date().toISOString()) : null;
    },
  });
}

/** The call as the override dialog offers it: its price today and whether the gain pays it. */
async function offeredCall(id: string) {
  const choices = await listOverrideChoices({ pool, store: createPgCapacityStore(pool), catalog: await loadCatalog(pool), recommendationId: id });
  return choices?.options.find((o) => o.treatmentKey === "retention_call")?.price;
}

/** Everything an override could change: capacity counters, the recommendation, its history and the audit trail. */
async function snapshot(id: string) {
  const q = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;
  return {
    counters: await q(`SELECT key, used, held FROM "ResourceConstraint" ORDER BY key`),
    recommendation: await q(`SELECT status::text, "treatmentKey", "overriddenFrom", "reviewReason" FROM "Recommendation" WHERE id = $1`, [id]),
    history: await q(`SELECT "resourceKey", outcome::text FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [id]),
    audit: await q(`SELECT action FROM "AuditLog" WHERE "entityId" = $1`, [id]),
  };
}

describe("an override to a priced call slot pays today's price", () => {
  test.each([
    { title: "no price stored (0): the call is taken", price: 0, isAdmitted: true },
    { title: "gain £40 beats a £39 slot: the call is taken", price: 39, isAdmitted: true },
    { title: "gain £40 does not beat a £40 slot: refused, nothing changes", price: 40, isAdmitted: false },
    { title: "gain £40 against a £169 slot: refused, naming the price and the gain", price: 169, isAdmitted: false },
  ])("$title; the dialog offers it so beforehand", async ({ price, isAdmitted }) => {
    const id = await smsRecommendation();
    if (price > 0) await priceCallSlots(price);
    const before = await snapshot(id);
    const offered = await offeredCall(id);
    expect(offered).toMatchObject({ price, gain: price > 0 ? CALL_VALUE - SMS_VALUE : null, isAdmitted });

    if (isAdmitted) {
      expect(await overrideToCall(id)).toEqual({ done: [id], skipped: [] });
      const after = await snapshot(id);
      expect(after.recommendation).toEqual([{ status: "overridden", treatmentKey: "retention_call", overriddenFrom: "retention_sms", reviewReason: "Asked to be called" }]);
      expect(after.counters.find((r) => r.key === "call_slots")).toMatchObject({ used: 1, held: 0 });
      return;
    }
    const error = await overrideToCall(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).userMessage).toBe(
      `Not overridden: Retention call: a call-centre slot is worth £${price} today; its gain over Retention SMS is £40. ` +
        "The price is what the last batch run found this capacity worth and holds for managers too: choose another treatment, or a manager may raise the limit. " +
        "The recommendation keeps its treatment and capacity.",
    );
    expect((error as AppError).userMessage).toContain(`Not overridden: ${offered!.refusal}. `);
    expect(await snapshot(id)).toEqual(before);
  });

  test("a priced slot for a treatment the recommendation put no value on is refused, and the dialog says so", async () => {
    const id = await smsRecommendation();
    await pool.query(`UPDATE "Recommendation" SET alternatives = '[]' WHERE id = $1`, [id]);
    await priceCallSlots(10);
    const before = await snapshot(id);
    expect(await offeredCall(id)).toEqual({
      price: 10,
      gain: null,
      isAdmitted: false,
      refusal: "Retention call takes capacity worth £10 today and this customer's recommendation estimated no value for it, so no gain can pay for it",
    });
    await expect(overrideToCall(id)).rejects.toThrow(AppError);
    expect(await snapshot(id)).toEqual(before);
  });
});
