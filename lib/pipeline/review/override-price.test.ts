import { describe, expect, test } from "vitest";
import { AppError } from "../../errors";
import { insertCatalog } from "../testing/fixtures";
import { newCustomers, overrideChoicesOf, reviewAs, reviewDatabasePerTest, runPipeline } from "./test-fixture";

const t = reviewDatabasePerTest({ poolSize: 6 });

const SMS_VALUE = 95;
const CALL_VALUE = 135;

/**
 * One customer whose pending recommendation is Retention SMS (£95), with Retention call (£135) as
 * its ranked alternative: a call's gain over the unpriced SMS is £40. Call slots are then free to take.
 */
async function smsRecommendation(): Promise<string> {
  await insertCatalog(t.url, { limits: { call_slots: 0, sms_quota: 100 } });
  await runPipeline(t.pool, await newCustomers(t.url, { count: 1 }));
  const { rows } = await t.pool.query<{ id: string }>(
    `UPDATE "Recommendation" SET "treatmentKey" = 'retention_sms', "expectedValue" = $1, fates = NULL,
        alternatives = jsonb_build_array(jsonb_build_object('treatmentKey', 'retention_call', 'expectedValue', $2::float8, 'reason', 'Ranked second'))
      WHERE status = 'pending_review' RETURNING id`,
    [SMS_VALUE, CALL_VALUE],
  );
  await t.pool.query(`UPDATE "ResourceConstraint" SET "limit" = 10 WHERE key = 'call_slots'`);
  return rows[0]!.id;
}

async function priceCallSlots(price: number) {
  await t.pool.query(`UPDATE "ResourceConstraint" SET price = $1, "highValuePrice" = $1, "priceUpdatedAt" = now() WHERE key = 'call_slots'`, [price]);
}

const overrideToCall = (id: string) => reviewAs(t.pool, { id: null, label: "Test manager" }, [id], { kind: "override", treatmentKey: "retention_call", reason: "Asked to be called" });

/** The call as the override dialog offers it: its price today and whether the gain pays it. */
async function offeredCall(id: string) {
  const choices = await overrideChoicesOf(t.pool, id);
  return choices?.options.find((o) => o.treatmentKey === "retention_call")?.price;
}

/** Everything an override could change: capacity counters, the recommendation, its history and the audit trail. */
async function snapshot(id: string) {
  const q = async (sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows;
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
    await t.pool.query(`UPDATE "Recommendation" SET alternatives = '[]' WHERE id = $1`, [id]);
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
