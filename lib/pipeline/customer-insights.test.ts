import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemo } from "../../prisma/seed";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { createOrchestrator } from "../agents/orchestrator";
import { insightOf } from "../agents/orchestrator/insight";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { loadCatalog } from "./catalog";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { createPgCapacityStore } from "./pg-capacity-store";
import { insertRun } from "./testing/fixtures";

const ANCHOR = new Date("2026-11-20T00:00:00.000Z");
const NOW = new Date("2026-11-20T09:30:00.000Z");

type InsightRow = {
  customerId: string;
  runId: string;
  asOf: Date;
  churnRisk: number;
  lifetimeValue: string;
  valueTier: string;
  monthlyRevenue: string;
  tenureMonths: number;
  revenueTrend: number | null;
  usageTrend: number | null;
  complaintCount: number;
  complaintsLast90Days: number;
  incidentsLast90Days: number;
  latePayments: number;
  missedPayments: number;
  latestChurnScore: number | null;
  sentiment: number | null;
  patterns: string[];
  maxSeverity: string | null;
};

describe("journey insights stored by a run", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let runId: string;
  let customerIds: string[];
  let stored: Map<string, InsightRow>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemo({ url: db.url, customers: 60, seed: 7, anchor: ANCHOR });
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
    customerIds = (await pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id`)).rows.map((r) => r.id);
    runId = await insertRun(db.url);
    const catalog = await loadCatalog(pool);
    const orchestrator = createOrchestrator({
      data: createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() }),
      journey: createJourneyAgent(),
      treatment: createTreatmentAgent({ catalog, model: null }),
      capacity: createPgCapacityStore(pool),
      catalog,
      progress: { report: async () => ({ isCancelRequested: false }) },
      policy: "rules",
      batchSize: 25,
      clock: () => NOW,
    });
    const response = await orchestrator.process({ type: "process_run", runId, customerIds });
    if (!response.ok) throw new Error(response.error.reason);
    const { rows } = await pool.query<InsightRow>(`SELECT *, "valueTier"::text AS "valueTier", "maxSeverity"::text AS "maxSeverity" FROM "CustomerInsight"`);
    stored = new Map(rows.map((r) => [r.customerId, r]));
  }, 240_000);
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** The journey agent's analysis of one customer, asked afresh at the run's time. */
  async function analyse(customerId: string) {
    const data = await createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() }).process({ type: "get_customer_data", customerId });
    if (!data.ok || data.type !== "get_customer_data") throw new Error(`no data for ${customerId}`);
    const { isFromCache: _cached, ...customer } = data.data;
    const journeyAgent = createJourneyAgent();
    const journey = await journeyAgent.process({ type: "build_journey", data: customer });
    if (!journey.ok || journey.type !== "build_journey") throw new Error("no journey");
    const analysis = await journeyAgent.process({ type: "analyze_journey", journey: journey.data, profile: customer.profile, asOf: NOW.toISOString() });
    if (!analysis.ok || analysis.type !== "analyze_journey") throw new Error("no analysis");
    return analysis.data;
  }

  test("keeps one insight for every customer the run analysed", () => {
    expect([...stored.keys()].sort()).toEqual(customerIds);
  });

  test("has customers with differing patterns to compare", () => {
    const keys = new Set([...stored.values()].flatMap((r) => r.patterns));
    const declining = [...stored.values()].filter((r) => r.patterns.includes("declining_usage")).length;
    expect(keys.size).toBeGreaterThanOrEqual(3);
    expect(declining).toBeGreaterThan(0);
    expect(declining).toBeLessThan(stored.size);
  });

  test.each(Array.from({ length: 60 }, (_, i) => i))("customer %i's stored insight agrees with the journey agent's analysis", async (i) => {
    const customerId = customerIds[i]!;
    const expected = insightOf(await analyse(customerId), runId);
    const row = stored.get(customerId)!;
    expect({
      ...row,
      asOf: row.asOf.toISOString(),
      lifetimeValue: Number(row.lifetimeValue),
      monthlyRevenue: Number(row.monthlyRevenue),
      patterns: [...row.patterns].sort(),
    }).toEqual({ ...expected, patterns: [...expected.patterns].sort(), updatedAt: expect.any(Date) });
  });
});
