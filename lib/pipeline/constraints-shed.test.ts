import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { AppError } from "../errors";
import { previewLimitChange, shedHolds } from "./constraints";
import { createPgCapacityStore } from "./pg-capacity-store";
import { createRun, executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

const actor = { id: null, label: "Maya Patel (manager)" };

describe("lowering a limit below what is held", () => {
  const t = usePoolPerTest();

  /** Ten pending calls, each holding one of the ten call slots, customers of different revenue so their values differ. */
  async function tenHeldCalls() {
    await insertCatalog(t.db.url, { limits: { call_slots: 10 } });
    const ids = await insertCustomers(t.db.url, { count: 10 });
    await t.pool.query(`UPDATE "Customer" SET "monthlyRevenue" = 20 + 3 * substring(id from 3)::int`);
    await insertPermissions(t.db.url, ids);
    const run = await createRun(t.pool, { scope: { customerIds: ids }, policy: "rules" });
    await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
  }

  const counters = async () => (await t.pool.query(`SELECT "limit", used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0];
  /** Units held by pending decisions whose newest capacity row is a hold: what the counters must equal. */
  const liveHeld = async () =>
    (
      await t.pool.query<{ units: number }>(
        `SELECT COALESCE(SUM(a.units), 0)::int AS units FROM "Recommendation" r
          CROSS JOIN LATERAL (SELECT units, outcome, "resourceKey" FROM "Allocation" WHERE "recommendationId" = r.id AND outcome <> 'denied' ORDER BY id DESC LIMIT 1) a
          WHERE r.status = 'pending_review' AND a.outcome = 'held' AND a."resourceKey" = 'call_slots'`,
      )
    ).rows[0]!.units;

  test.each([
    { title: "to 7 shows the three lowest-valued holds", limit: 7, shown: 3 },
    { title: "to 10 (what is held) shows none", limit: 10, shown: 0 },
    { title: "to 0 shows all ten", limit: 0, shown: 10 },
  ])("$title", async ({ limit, shown }) => {
    await tenHeldCalls();
    const preview = await previewLimitChange(t.pool, { resourceKey: "call_slots", limit });
    expect(preview).toMatchObject({ unitsToShed: 10 - limit, refusal: null, used: 10, held: 10 });
    expect(preview.holds).toHaveLength(shown);
    const values = preview.holds.map((h) => h.expectedValue);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    if (shown > 0 && shown < 10) {
      const kept = await t.pool.query<{ v: number }>(`SELECT min("expectedValue")::float8 AS v FROM "Recommendation" WHERE NOT (id = ANY($1::uuid[]))`, [preview.holds.map((h) => h.recommendationId)]);
      expect(Math.max(...values)).toBeLessThanOrEqual(kept.rows[0]!.v);
    }
  });

  test("releases exactly the holds it showed, with the limit, history, decisions and audit in one change; the counters equal the live holds", async () => {
    await tenHeldCalls();
    const preview = await previewLimitChange(t.pool, { resourceKey: "call_slots", limit: 7 });
    const shown = preview.holds.map((h) => h.recommendationId).sort();
    const result = await shedHolds({ pool: t.pool, store: createPgCapacityStore(t.pool), actor, input: { resourceKey: "call_slots", limit: 7, reservedHighValue: 0, releaseIds: shown, reason: "Fewer agents on shift" } });

    expect(result.released).toEqual(shown);
    expect(await counters()).toEqual({ limit: 7, used: 7, held: 7 });
    expect(await liveHeld()).toBe(7);
    const released = await t.pool.query<{ recommendationId: string; reason: string }>(`SELECT "recommendationId", reason FROM "Allocation" WHERE outcome = 'released' ORDER BY "recommendationId"`);
    expect(released.rows.map((r) => r.recommendationId)).toEqual(shown);
    expect(released.rows[0]!.reason).toContain("capacity released when Call-centre slots was lowered to 7");
    const decisions = await t.pool.query<{ id: string; status: string; reviewReason: string }>(`SELECT id, status::text, "reviewReason" FROM "Recommendation" WHERE status <> 'pending_review' ORDER BY id`);
    expect(decisions.rows).toEqual(shown.map((id) => ({ id, status: "rejected", reviewReason: "Capacity released when Call-centre slots was lowered to 7" })));
    const audit = await t.pool.query(`SELECT action, "entityId", before, after, reason FROM "AuditLog" WHERE action = 'constraint.shed_holds'`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ entityId: "call_slots", before: { limit: 10, used: 10, held: 10 }, after: { limit: 7, used: 7, held: 7 }, reason: "Fewer agents on shift" });
    expect(audit.rows[0].after.released.map((r: { recommendationId: string }) => r.recommendationId).sort()).toEqual(shown);
  });

  test.each([
    { title: "a list that is not the one the rule gives now", limit: 7, pick: (ids: string[]) => ids.slice(-3), message: "changed since the preview" },
    { title: "a limit not below what is committed", limit: 10, pick: (ids: string[]) => ids.slice(0, 1), message: "change the limit without releasing anything" },
  ])("refuses $title and changes nothing", async ({ limit, pick, message }) => {
    await tenHeldCalls();
    const all = (await previewLimitChange(t.pool, { resourceKey: "call_slots", limit: 0 })).holds.map((h) => h.recommendationId);
    const attempt = shedHolds({ pool: t.pool, store: createPgCapacityStore(t.pool), actor, input: { resourceKey: "call_slots", limit, reservedHighValue: 0, releaseIds: pick(all) } });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ userMessage: expect.stringContaining(message) });
    expect(await counters()).toEqual({ limit: 10, used: 10, held: 10 });
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM "Allocation" WHERE outcome = 'released'`)).rows[0].n).toBe(0);
  });
});
