import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { defaultTreatmentCatalog } from "../catalog/defaults";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { loadCustomersFromPg } from "../pipeline/customer-source";
import { insertCatalog, insertCustomers, insertRun } from "../pipeline/testing/fixtures";
import { simulateOutcomes } from "./simulate";
import { type FateKey, type SimulatedDecision, TRUE_EFFECTS, drawFate, trueEffect } from "./truth";

const decision = (i: number, over: Partial<SimulatedDecision & FateKey> = {}): SimulatedDecision & FateKey => ({
  customerId: `CUST-${String(i).padStart(5, "0")}`,
  day: 12,
  treatmentKey: "marketing_call_back",
  isHeldOut: false,
  channel: "call",
  goal: "retention",
  catalogEffect: 0.35,
  churnRisk: 0.5,
  patterns: [],
  monthlyRevenue: 40,
  ...over,
});

describe("ground truth", () => {
  test.each([1, 7, 20_261_207])("draws the same fates for seed %i every time, and other fates for another seed", (seed) => {
    const decisions = Array.from({ length: 200 }, (_, i) => decision(i));
    const once = decisions.map((d) => drawFate(seed, d));
    expect(decisions.map((d) => drawFate(seed, d))).toEqual(once);
    expect(decisions.map((d) => drawFate(seed + 1, d))).not.toEqual(once);
  });

  const sms = { treatmentKey: "retention_sms", channel: "sms", catalogEffect: 0.08 } as const;
  test.each([
    { title: "the same customer, day and treatment meet the same fate", other: {}, isSame: true },
    { title: "another day is drawn afresh", other: { day: 13 }, isSame: false },
    { title: "another treatment is drawn afresh", other: sms, isSame: false },
  ])("$title", ({ other, isSame }) => {
    const fates = (over: Partial<SimulatedDecision & FateKey>) => Array.from({ length: 200 }, (_, i) => drawFate(7, decision(i, over)));
    const contacts = (over: Partial<SimulatedDecision & FateKey>) => fates(over).map((f) => [f.contactMade, f.response, f.revenueChangeGbp]);
    if (isSame) expect(fates(other)).toEqual(fates({}));
    else expect(contacts(other)).not.toEqual(contacts({}));
  });

  test.each([
    { title: "a retention SMS", over: sms },
    { title: "a call-back", over: {} },
  ])("a customer who stays when held out also stays after $title on the same day (who leaves is drawn without the treatment)", ({ over }) => {
    const customers = Array.from({ length: 2000 }, (_, i) => i);
    const heldOut = customers.map((i) => drawFate(11, decision(i, { isHeldOut: true })));
    const treated = customers.map((i) => drawFate(11, decision(i, over)));
    expect(customers.filter((i) => heldOut[i]!.stayed90d && !treated[i]!.stayed90d)).toEqual([]);
    // The treatment works: some held-out leavers are stayers once treated.
    expect(customers.filter((i) => !heldOut[i]!.stayed90d && treated[i]!.stayed90d).length).toBeGreaterThan(20);
  });

  test("differs from the catalog's effect for every treatment of the default catalog", () => {
    const treatments = defaultTreatmentCatalog.filter((t) => !t.isNoAction);
    expect(treatments.map((t) => t.key).sort()).toEqual(Object.keys(TRUE_EFFECTS).sort());
    for (const t of treatments) expect(trueEffect({ treatmentKey: t.key, catalogEffect: t.expectedEffect, patterns: [] })).not.toBeCloseTo(t.expectedEffect, 3);
  });

  test.each([
    { title: "a pattern the truth singles out", patterns: ["port_out_risk"], effect: 0.3 },
    { title: "two such patterns (the larger applies)", patterns: ["price_sensitive", "port_out_risk"], effect: 0.3 },
    { title: "a pattern it does not single out", patterns: ["loyal_quiet"], effect: 0.18 },
  ])("the call-back's true effect for $title is $effect", ({ patterns, effect }) => {
    expect(trueEffect({ treatmentKey: "marketing_call_back", catalogEffect: 0.35, patterns })).toBe(effect);
  });

  test("a held-out customer is never contacted and keeps the baseline churn", () => {
    const fates = Array.from({ length: 4000 }, (_, i) => drawFate(3, decision(i, { isHeldOut: true })));
    expect(fates.every((f) => !f.contactMade && f.response === null)).toBe(true);
    // Baseline 90-day churn 0.5 × 0.72 = 0.36; 4,000 draws put the share within ±0.03 of it nearly always.
    const left = fates.filter((f) => !f.stayed90d).length / fates.length;
    expect(Math.abs(left - 0.36)).toBeLessThan(0.03);
    // Left within 30 days is left within 90.
    expect(fates.every((f) => f.stayed30d || !f.stayed90d)).toBe(true);
  });
});

describe("simulated outcomes on PostgreSQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let ids: { approved: string; heldOut: string; fresh: string; reported: string };
  const now = new Date("2026-06-01T00:00:00Z");
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url);
    const customers = await insertCustomers(db.url, { count: 4 });
    const runId = await insertRun(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const insert = async (customerId: string, opts: { status: string; treatmentKey: string | null; heldOutFrom?: string; decidedAt: Date }) =>
      (
        await pool.query<{ id: string }>(
          `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", "heldOutFrom", policy, rationale, confidence, "expectedValue", "permissionStatement", "createdAt", "reviewedAt", "updatedAt")
           VALUES (gen_random_uuid(), $1, $2, $3::"RecommendationStatus", $4, $5, 'rules', 'r', 0.5, 10, 'ok', $6, $6, now()) RETURNING id`,
          [runId, customerId, opts.status, opts.treatmentKey, opts.heldOutFrom ?? null, opts.decidedAt],
        )
      ).rows[0]!.id;
    ids = {
      approved: await insert(customers[0]!, { status: "approved", treatmentKey: "retention_sms", decidedAt: daysAgo(40) }),
      heldOut: await insert(customers[1]!, { status: "no_action", treatmentKey: null, heldOutFrom: "retention_sms", decidedAt: daysAgo(100) }),
      fresh: await insert(customers[2]!, { status: "approved", treatmentKey: "retention_sms", decidedAt: daysAgo(1) }),
      reported: await insert(customers[3]!, { status: "approved", treatmentKey: "retention_sms", decidedAt: daysAgo(100) }),
    };
    await pool.query(`INSERT INTO "Outcome" (id, "recommendationId", "contactMade", source, "recordedAt", "updatedAt") VALUES (gen_random_uuid(), $1, false, 'import', now(), now())`, [ids.reported]);
  }, 60_000);
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test("reveals what each decision's age allows, leaves reported and too-recent decisions alone, and the answer reaches the contact history", async () => {
    const client = await pool.connect();
    try {
      expect(await simulateOutcomes(client, { now, seed: 5 })).toEqual({ decisions: 2, written: 2, complete: 1 });
    } finally {
      client.release();
    }
    const { rows } = await pool.query(`SELECT "recommendationId"::text AS id, "contactMade", response::text, "stayed30d" IS NOT NULL AS "has30", "stayed90d" IS NOT NULL AS "has90", source::text FROM "Outcome"`);
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    expect(byId.get(ids.approved)).toMatchObject({ has30: true, has90: false, source: "simulator" });
    expect(byId.get(ids.heldOut)).toMatchObject({ contactMade: false, response: null, has30: true, has90: true });
    expect(byId.get(ids.reported)).toMatchObject({ source: "import" });
    expect(byId.has(ids.fresh)).toBe(false);

    const approved = byId.get(ids.approved)!;
    const customerId = (await pool.query(`SELECT "customerId" FROM "Recommendation" WHERE id = $1`, [ids.approved])).rows[0].customerId as string;
    const contact = (await loadCustomersFromPg(pool, [customerId])).get(customerId)!.priorContacts.find((c) => c.treatmentKey === "retention_sms");
    expect(contact?.response ?? null).toBe(approved.response);
  });
});
