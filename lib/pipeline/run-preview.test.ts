import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { createPgCustomerSource } from "./customer-source";
import { PREVIEW_SAMPLE, previewRun, sampleScope } from "./run-preview";
import { type RunScope, selectCustomers } from "./runs";
import { createSegment } from "./segments";
import { insertCatalog, insertCustomers } from "./testing/fixtures";

/** Above the size sampled exactly, so "everyone" takes the table-sample path. */
const CUSTOMERS = 6_000;

describe("run preview of a scope, counted and sampled in SQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let segmentId = "";

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url);
    await insertCustomers(db.url, { count: CUSTOMERS, highValueEvery: 3 });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query(
      `INSERT INTO "CustomerInsight" ("customerId", "churnRisk", "lifetimeValue", "valueTier", "monthlyRevenue", "tenureMonths", "complaintCount",
          "complaintsLast90Days", "incidentsLast90Days", "latePayments", "missedPayments", patterns, "maxSeverity", "asOf", "updatedAt")
       SELECT c.id, (n % 10) / 10.0, 500, c."valueTier", 40, 12, 0, 0, 0, 0, 0,
              CASE WHEN n % 4 = 0 THEN ARRAY['declining_usage'] ELSE ARRAY[]::text[] END, CASE WHEN n % 4 = 0 THEN 'medium'::"PatternSeverity" END, now(), now()
         FROM (SELECT id, "valueTier", substr(id, 3)::int AS n FROM "Customer") c`,
    );
    segmentId = (await createSegment(pool, { segment: { name: "Half at risk", kind: "rule", rule: { minRisk: 0.5 } }, actor: { id: null, label: "Manager" } })).id;
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  test.each<{ title: string; scope: () => RunScope }>([
    { title: "everyone (6,000, above the exact-sample size)", scope: () => ({}) },
    { title: "a value tier (2,000)", scope: () => ({ valueTier: "premium" }) },
    { title: "a pattern from the stored insights (1,500)", scope: () => ({ pattern: "declining_usage" }) },
    { title: "a risk floor within a tier", scope: () => ({ minRisk: 0.5, valueTier: "medium" }) },
    { title: "a saved segment's stored members (3,000)", scope: () => ({ segmentId }) },
    { title: "the first 5,500 by id", scope: () => ({ limit: 5_500 }) },
    { title: "a limit above the scope's size", scope: () => ({ valueTier: "premium", limit: 4_000 }) },
    { title: "ten named customers, fewer than a sample", scope: () => ({ customerIds: ["T-0001", "T-0002", "T-0003", "T-0004", "T-0005", "T-0006", "T-0007", "T-0008", "T-0009", "T-0010"] }) },
    { title: "a segment nobody is in", scope: () => ({ segment: "nobody" }) },
  ])("$title: the count is the run's and the sample lies within it", async ({ scope }) => {
    const inScope = new Set(await selectCustomers(pool, scope()));
    const { total, sample } = await sampleScope(pool, scope());
    expect(total).toBe(inScope.size);
    expect(sample.length).toBe(Math.min(PREVIEW_SAMPLE, inScope.size));
    expect(new Set(sample).size).toBe(sample.length);
    expect(sample.filter((id) => !inScope.has(id))).toEqual([]);
  });

  test("the same data previews the same customers", async () => {
    expect(await sampleScope(pool, {})).toEqual(await sampleScope(pool, {}));
  });

  test("previewing everyone loads at most a sample's customers and scales the estimate to all 6,000", async () => {
    const loaded: string[] = [];
    const pgSource = createPgCustomerSource(pool);
    const source = { loadCustomers: (ids: string[]) => (loaded.push(...ids), pgSource.loadCustomers(ids)) };
    const preview = await previewRun(pool, {}, { source });
    expect(preview.total).toBe(CUSTOMERS);
    expect(new Set(loaded).size).toBeLessThanOrEqual(PREVIEW_SAMPLE);
    expect(preview.sampled).toBeLessThanOrEqual(PREVIEW_SAMPLE);
  });
});
