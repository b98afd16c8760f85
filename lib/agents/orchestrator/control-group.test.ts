import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../../database/testing";
import { loadCatalog } from "../../pipeline/catalog";
import { createCustomerCache } from "../../pipeline/customer-cache";
import { createPgCustomerSource } from "../../pipeline/customer-source";
import { createPgCapacityStore } from "../../pipeline/pg-capacity-store";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "../../pipeline/testing/fixtures";
import { createDataAgent } from "../data/data-agent";
import { assignArm } from "../evaluation/assign";
import { createJourneyAgent } from "../journey/journey-agent";
import { createTreatmentAgent } from "../treatment/treatment-agent";
import { STANDING_CONTROL } from "./control-group";
import { createOrchestrator } from "./index";

type Row = { customerId: string; status: string; treatmentKey: string | null; heldOutFrom: string | null; rationale: string; expectedValue: number; fates: { treatmentKey: string; fate: string }[] | null; trace: { steps: { agent: string; type: string }[] }; allocations: number };

describe("standing control group in a run", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let customers: string[];

  beforeEach(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url);
    customers = await insertCustomers(db.url, { count: 40, highValueEvery: 4 });
    await insertPermissions(db.url, customers);
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  async function runWith(controlGroupShare: number | undefined): Promise<Row[]> {
    const catalog = await loadCatalog(pool);
    const runId = await insertRun(db.url);
    const orchestrator = createOrchestrator({
      data: createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() }),
      journey: createJourneyAgent(),
      treatment: createTreatmentAgent({ catalog, model: null }),
      capacity: createPgCapacityStore(pool),
      catalog,
      progress: { report: async () => ({ isCancelRequested: false }) },
      policy: "rules",
      batchSize: 7,
      controlGroupShare,
    });
    const response = await orchestrator.process({ type: "process_run", runId, customerIds: customers });
    expect(response.ok).toBe(true);
    const { rows } = await pool.query<Row>(
      `SELECT r."customerId", r.status::text, r."treatmentKey", r."heldOutFrom", r.rationale, r."expectedValue"::float AS "expectedValue", r.fates, r.trace,
         (SELECT count(*)::int FROM "Allocation" a WHERE a."recommendationId" = r.id) AS allocations
       FROM "Recommendation" r WHERE r."runId" = $1 ORDER BY r."customerId"`,
      [runId],
    );
    return rows;
  }

  const arms = (share: number) => [{ key: "control", share }, { key: "treated", share: 1 - share }];

  test.each([
    { share: undefined, title: "holds out nobody when no share is set" },
    { share: 0, title: "holds out nobody at a share of 0" },
  ])("$title", async ({ share }) => {
    const rows = await runWith(share);
    expect(rows.filter((r) => r.heldOutFrom !== null)).toEqual([]);
    expect(rows.flatMap((r) => r.trace.steps).filter((s) => s.agent === "evaluation")).toEqual([]);
  });

  test("at a share of 1 every customer who would be treated gets no action, no capacity, and the treatment they would have had", async () => {
    const rows = await runWith(1);
    const heldOut = rows.filter((r) => r.heldOutFrom !== null);
    expect(heldOut.length).toBeGreaterThan(0);
    for (const r of heldOut) {
      expect(r).toMatchObject({ status: "no_action", treatmentKey: null, expectedValue: 0, allocations: 0 });
      expect(r.fates?.find((f) => f.fate === "chosen")?.treatmentKey).toBe(r.heldOutFrom);
      expect(r.rationale).toMatch(/^Held out in the standing control group \(100% of customers/);
      expect(r.trace.steps.map((s) => `${s.agent}.${s.type}`)).toContain("evaluation.assign_groups");
    }
    // Customers decided no action anyway are not counted as held out.
    expect(rows.filter((r) => r.heldOutFrom === null).every((r) => r.status === "no_action" || r.status === "failed")).toBe(true);
  });

  test("at a share of 0.5 holds out exactly the customers the stable hash puts in control, run after run", async () => {
    const first = await runWith(0.5);
    const second = await runWith(0.5);
    const heldOut = (rows: Row[]) => rows.filter((r) => r.heldOutFrom !== null).map((r) => r.customerId);
    const wouldAct = first.filter((r) => r.heldOutFrom !== null || r.status === "pending_review").map((r) => r.customerId);
    expect(heldOut(first)).toEqual(wouldAct.filter((id) => assignArm(id, STANDING_CONTROL, arms(0.5)) === "control"));
    expect(heldOut(first).length).toBeGreaterThan(0);
    expect(heldOut(first).length).toBeLessThan(wouldAct.length);
    expect(heldOut(second)).toEqual(heldOut(first));
  });
});
