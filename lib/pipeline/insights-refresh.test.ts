import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemo } from "../../prisma/seed";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { insightOf } from "../agents/orchestrator/insight";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { refreshInsights } from "./insights-refresh";

const ANCHOR = new Date("2026-11-20T00:00:00.000Z");
const NOW = new Date("2026-11-20T09:30:00.000Z");

describe("refreshing insights without deciding", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let ids: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemo({ url: db.url, customers: 12, seed: 5, anchor: ANCHOR });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    ids = (await pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id`)).rows.map((r) => r.id);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function analyse(customerId: string) {
    const data = await createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() }).process({ type: "get_customer_data", customerId });
    if (!data.ok || data.type !== "get_customer_data") throw new Error(`no data for ${customerId}`);
    const { isFromCache: _cached, ...customer } = data.data;
    const journey = createJourneyAgent();
    const built = await journey.process({ type: "build_journey", data: customer });
    if (!built.ok || built.type !== "build_journey") throw new Error("no journey");
    const analysis = await journey.process({ type: "analyze_journey", journey: built.data, profile: customer.profile, asOf: NOW.toISOString() });
    if (!analysis.ok || analysis.type !== "analyze_journey") throw new Error("no analysis");
    return analysis.data;
  }

  test("refreshing named customers writes only theirs, each as the journey agent analyses it, and decides nobody", async () => {
    const chosen = ids.slice(0, 4);
    const result = await refreshInsights(pool, { customerIds: chosen, clock: () => NOW, chunkSize: 3 });
    expect(result).toMatchObject({ refreshed: 4, failed: [], total: 4, isStopped: false });
    const { rows } = await pool.query(`SELECT *, "valueTier"::text AS "valueTier", "maxSeverity"::text AS "maxSeverity" FROM "CustomerInsight" ORDER BY "customerId"`);
    expect(rows.map((r) => r.customerId)).toEqual(chosen);
    for (const row of rows) {
      const expected = insightOf(await analyse(row.customerId), null);
      expect({ ...row, asOf: row.asOf.toISOString(), lifetimeValue: Number(row.lifetimeValue), monthlyRevenue: Number(row.monthlyRevenue), patterns: [...row.patterns].sort() }).toEqual({
        ...expected,
        patterns: [...expected.patterns].sort(),
        updatedAt: expect.any(Date),
      });
    }
    const { rows: decided } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation"`);
    expect(decided[0]?.n).toBe(0);
  });

  test.each([
    { title: "an insight stored from a later time is kept by an earlier refresh", at: new Date(NOW.getTime() - 86_400_000), isKept: true },
    { title: "an insight stored from an earlier time is replaced", at: new Date(NOW.getTime() + 86_400_000), isKept: false },
  ])("$title", async ({ at, isKept }) => {
    const id = ids[5]!;
    await refreshInsights(pool, { customerIds: [id], clock: () => NOW });
    await pool.query(`UPDATE "CustomerInsight" SET "churnRisk" = 0.123 WHERE "customerId" = $1`, [id]);
    await refreshInsights(pool, { customerIds: [id], clock: () => at });
    const { rows } = await pool.query<{ churnRisk: number }>(`SELECT "churnRisk" FROM "CustomerInsight" WHERE "customerId" = $1`, [id]);
    expect(rows[0]?.churnRisk === 0.123).toBe(isKept);
  });

  test("answering false to progress stops after that chunk", async () => {
    const seen: number[] = [];
    const result = await refreshInsights(pool, { clock: () => NOW, chunkSize: 5, onProgress: (done) => (seen.push(done), false) });
    expect(seen).toEqual([5]);
    expect(result).toMatchObject({ refreshed: 5, total: ids.length, isStopped: true });
  });
});
