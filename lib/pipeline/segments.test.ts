import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSegmentationAgent } from "../agents/segmentation/segmentation-agent";
import { AppError } from "../errors";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { previewRun } from "./run-preview";
import { createRun, executeRun, selectCustomers } from "./runs";
import { type SegmentRule, countSegment, createSegment, deleteSegment, findSegments, loadSegmentCustomers, updateSegment } from "./segments";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

const actor = { id: null, label: "Manager" };

/** 40 analysed customers T-0001..T-0040 with spread metrics; T-0041..T-0042 never analysed. */
function insightOf(i: number) {
  const id = `T-${String(i).padStart(4, "0")}`;
  const patterns = [...(i % 3 === 0 ? ["declining_usage"] : []), ...(i % 4 === 0 ? ["price_sensitive"] : []), ...(i % 10 === 7 ? ["repeated_complaints"] : [])];
  return {
    customerId: id,
    churnRisk: (i * 37) % 100 / 100,
    lifetimeValue: i % 5 === 0 ? 5000 + i * 10 : 300 + i * 7,
    valueTier: i % 5 === 0 ? "premium" : "medium",
    monthlyRevenue: i % 5 === 0 ? 90 : 30 + (i % 7),
    tenureMonths: (i * 13) % 60,
    usageTrend: i % 3 === 0 ? -0.4 : 0.05,
    complaintsLast90Days: i % 10 === 7 ? 3 : 0,
    patterns,
  };
}
const insights = Array.from({ length: 40 }, (_, i) => insightOf(i + 1));
const idsWhere = (keep: (x: ReturnType<typeof insightOf>) => boolean) => insights.filter(keep).map((x) => x.customerId).sort();

describe("saved segments", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 42 });
    await insertPermissions(db.url, ids);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query(`UPDATE "Customer" SET region = 'Wales' WHERE id IN ('T-0003', 'T-0006', 'T-0010')`);
    await pool.query(
      `INSERT INTO "CustomerInsight" ("customerId", "churnRisk", "lifetimeValue", "valueTier", "monthlyRevenue", "tenureMonths", "usageTrend", "complaintCount",
          "complaintsLast90Days", "incidentsLast90Days", "latePayments", "missedPayments", patterns, "maxSeverity", "asOf", "updatedAt")
       SELECT x."customerId", x."churnRisk", x."lifetimeValue", x."valueTier"::"ValueTier", x."monthlyRevenue", x."tenureMonths", x."usageTrend", x."complaintsLast90Days",
          x."complaintsLast90Days", 0, 0, 0, x.patterns, CASE WHEN cardinality(x.patterns) > 0 THEN 'medium'::"PatternSeverity" END, now(), now()
       FROM json_to_recordset($1::json) AS x("customerId" text, "churnRisk" float8, "lifetimeValue" numeric, "valueTier" text, "monthlyRevenue" numeric,
          "tenureMonths" int, "usageTrend" float8, "complaintsLast90Days" int, patterns text[])`,
      [JSON.stringify(insights)],
    );
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test.each<{ title: string; rule: SegmentRule; ids: string[] }>([
    { title: "a pattern takes exactly the customers showing it", rule: { patterns: ["declining_usage"] }, ids: idsWhere((x) => x.patterns.includes("declining_usage")) },
    { title: "two patterns take only customers showing both", rule: { patterns: ["declining_usage", "price_sensitive"] }, ids: idsWhere((x) => x.patterns.includes("declining_usage") && x.patterns.includes("price_sensitive")) },
    { title: "a risk band includes both ends (0.37 and 0.74)", rule: { minRisk: 0.37, maxRisk: 0.74 }, ids: idsWhere((x) => x.churnRisk >= 0.37 && x.churnRisk <= 0.74) },
    { title: "a tier and a tenure of at most 12 months", rule: { valueTiers: ["premium"], maxTenureMonths: 12 }, ids: idsWhere((x) => x.valueTier === "premium" && x.tenureMonths <= 12) },
    { title: "a region reads the customer's record, and only analysed customers", rule: { regions: ["Wales"] }, ids: ["T-0003", "T-0006", "T-0010"] },
    { title: "any stored metric: lifetime value of at least 5,000", rule: { metrics: [{ metric: "lifetimeValue", op: "gte", value: 5000 }] }, ids: idsWhere((x) => x.lifetimeValue >= 5000) },
  ])("$title", async ({ rule, ids }) => {
    const saved = await createSegment(pool, { segment: { name: `rule ${ids.join(",")} ${JSON.stringify(rule)}`.slice(0, 80), kind: "rule", rule }, actor });
    expect((await countSegment(pool, saved)).size).toBe(ids.length);
    expect((await selectCustomers(pool, { segmentId: saved.id })).sort()).toEqual(ids);
  });

  test("the same seed finds the same segments; members in SQL are exactly the customers assign_segment places there", async () => {
    const first = await findSegments(pool, { seed: 11 });
    const again = await findSegments(pool, { seed: 11 });
    expect(first).not.toBeNull();
    expect(again).toEqual(first);
    const agent = createSegmentationAgent();
    const customers = await loadSegmentCustomers(pool, { seed: 11 });
    const placed = new Map<number, string[]>();
    for (const c of customers) {
      const r = await agent.process({ type: "assign_segment", model: first!.model, customer: c });
      if (!r.ok || r.type !== "assign_segment") throw new Error("assign failed");
      placed.set(r.data.segment, [...(placed.get(r.data.segment) ?? []), c.customerId]);
    }
    for (const group of first!.groups) {
      const saved = await createSegment(pool, { segment: { name: `found ${group.index}`, kind: "found", model: first!.model, modelIndex: group.index, description: group.description }, actor });
      expect((await selectCustomers(pool, { segmentId: saved.id })).sort()).toEqual((placed.get(group.index) ?? []).sort());
      expect((await countSegment(pool, saved)).size).toBe(group.size);
    }
  });

  test("a saved segment as a run scope decides exactly its members", async () => {
    const rule: SegmentRule = { patterns: ["price_sensitive"], minRisk: 0.2 };
    const saved = await createSegment(pool, { segment: { name: "Price-minded at risk", kind: "rule", rule }, actor });
    const members = idsWhere((x) => x.patterns.includes("price_sensitive") && x.churnRisk >= 0.2);
    const run = await createRun(pool, { scope: { segmentId: saved.id }, policy: "rules" });
    expect(run.customerIds.sort()).toEqual(members);
    await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
    const { rows } = await pool.query<{ customerId: string }>(`SELECT "customerId" FROM "Recommendation" WHERE "runId" = $1 ORDER BY "customerId"`, [run.runId]);
    expect(rows.map((r) => r.customerId)).toEqual(members);
  });

  test("a run preview covers exactly the segment's members and estimates from a dry decide that writes nothing", async () => {
    const saved = await createSegment(pool, { segment: { name: "Usage falling", kind: "rule", rule: { patterns: ["declining_usage"] } }, actor });
    const before = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation"`);
    const preview = await previewRun(pool, { segmentId: saved.id });
    expect(preview.total).toBe((await selectCustomers(pool, { segmentId: saved.id })).length);
    expect(preview.total).toBeGreaterThan(0);
    expect(preview.sampled).toBe(preview.total);
    expect(preview.resources.map((r) => r.key)).toEqual(["call_slots", "sms_quota"]);
    expect(preview.resources.reduce((sum, r) => sum + r.units, 0)).toBeLessThanOrEqual(preview.total);
    expect((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation"`)).rows[0]?.n).toBe(before.rows[0]?.n);
  });

  test.each([
    { title: "refuses a second segment under a taken name", act: (p: pg.Pool) => createSegment(p, { segment: { name: "Price-minded at risk", kind: "rule", rule: { minRisk: 0.9 } }, actor }), code: "conflict" },
    { title: "refuses to change a segment that does not exist", act: (p: pg.Pool) => updateSegment(p, { id: "00000000-0000-4000-8000-000000000000", name: "x y", actor }), code: "not_found" },
  ])("$title", async ({ act, code }) => {
    await expect(act(pool)).rejects.toSatisfy((e) => e instanceof AppError && e.code === code);
  });

  test("creating, changing and deleting a segment are each audited with its trend kept per day", async () => {
    const saved = await createSegment(pool, { segment: { name: "Complainers", kind: "rule", rule: { patterns: ["repeated_complaints"] } }, actor });
    const complainers = insights.filter((x) => x.patterns.includes("repeated_complaints"));
    const risk = Math.round((complainers.reduce((sum, x) => sum + x.churnRisk, 0) / complainers.length) * 100);
    expect(saved.description).toBe(`Repeated complaints: ${complainers.length} customers, churn risk ${risk}%`);
    await updateSegment(pool, { id: saved.id, name: "Complainers (all)", rule: { metrics: [{ metric: "complaintsLast90Days", op: "gte", value: 1 }] }, actor });
    const { rows: sizes } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "SegmentSize" WHERE "segmentId" = $1`, [saved.id]);
    expect(sizes[0]?.n).toBe(1);
    await deleteSegment(pool, { id: saved.id, actor });
    const { rows } = await pool.query<{ action: string }>(`SELECT action FROM "AuditLog" WHERE "entityId" = $1 ORDER BY id`, [saved.id]);
    expect(rows.map((r) => r.action)).toEqual(["segment.create", "segment.update", "segment.delete"]);
  });
});
