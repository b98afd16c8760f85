import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { loadCatalog } from "../pipeline/catalog";
import { createPgCustomerSource } from "../pipeline/customer-source";
import { createPgCapacityStore } from "../pipeline/pg-capacity-store";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "../pipeline/testing/fixtures";
import { createDataAgent } from "./data/data-agent";
import { createJourneyAgent } from "./journey/journey-agent";
import type { DataAgentMessage, DataAgentResponse } from "./messages";
import { type Orchestrator, type OrchestratorDeps, createOrchestrator } from "./orchestrator";
import type { RunProgress } from "./orchestrator-messages";
import type { Agent } from "./protocol";
import { createTreatmentAgent } from "./treatment/treatment-agent";

describe("orchestrator through process(message)", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let customers: string[];
  let runId: string;
  let reports: { processed: number; failed: number }[];

  beforeEach(async () => {
    db = await createTestDatabase();
    await insertCatalog(db.url);
    customers = await insertCustomers(db.url, { count: 12, highValueEvery: 4 });
    await insertPermissions(db.url, customers.slice(0, 9));
    runId = await insertRun(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
    reports = [];
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  async function orchestrator(overrides: Partial<OrchestratorDeps> = {}): Promise<Orchestrator> {
    const catalog = await loadCatalog(pool);
    const progress: RunProgress = {
      async report(p) {
        reports.push({ processed: p.processed, failed: p.failed });
        return { isCancelRequested: false };
      },
    };
    return createOrchestrator({
      data: createDataAgent({ source: createPgCustomerSource(pool) }),
      journey: createJourneyAgent(),
      treatment: createTreatmentAgent({ catalog, model: null }),
      capacity: createPgCapacityStore(pool),
      catalog,
      progress,
      policy: "rules",
      batchSize: 5,
      ...overrides,
    });
  }

  const count = async (sql: string, params: unknown[]) => (await pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  test("process_customer decides one customer and stores its recommendation with the trace", async () => {
    const o = await orchestrator();
    const response = await o.process({ type: "process_customer", runId, customerId: customers[0]! });
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(response.type).toBe("process_customer");
    expect(response.data.processed).toBe(1);
    expect(response.data.byStatus.pending_review + response.data.byStatus.no_action).toBe(1);
    const { rows } = await pool.query<{ status: string; trace: { steps: { agent: string; type: string }[] } }>(
      `SELECT status::text, trace FROM "Recommendation" WHERE "runId" = $1`,
      [runId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.trace.steps.map((s) => `${s.agent}.${s.type}`).slice(0, 6)).toEqual([
      "data.get_customer_data",
      "journey.build_journey",
      "journey.analyze_journey",
      "journey.summarize_journey",
      "orchestrator.read_permissions",
      "treatment.recommend_treatment",
    ]);
  });

  test("process_customer answers not_found for a customer that does not exist, and writes nothing", async () => {
    const o = await orchestrator();
    const response = await o.process({ type: "process_customer", runId, customerId: "NOBODY" });
    expect(response).toMatchObject({ ok: false, type: "process_customer", error: { code: "not_found" } });
    expect(await count(`SELECT count(*)::int AS n FROM "Recommendation"`, [])).toBe(0);
  });

  test("process_run decides every customer in batches, reports progress and sums the outcomes", async () => {
    const o = await orchestrator();
    const response = await o.process({ type: "process_run", runId, customerIds: customers });
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    const s = response.data;
    expect(s.processed).toBe(12);
    expect(s.byStatus.pending_review + s.byStatus.no_action + s.byStatus.failed).toBe(12);
    // The three customers without consent are never contacted.
    expect(s.byStatus.no_action).toBeGreaterThanOrEqual(3);
    expect(Object.values(s.byTreatment).reduce((a, b) => a + b, 0)).toBe(s.byStatus.pending_review + s.byStatus.no_action);
    expect(reports.at(-1)).toEqual({ processed: 12, failed: 0 });
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(await count(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1`, [runId])).toBe(12);
    const held = await count(`SELECT count(*)::int AS n FROM "Allocation" WHERE "runId" = $1 AND outcome = 'held'`, [runId]);
    expect(held).toBe(s.byStatus.pending_review);
  });

  test("one customer's failure is recorded on its recommendation with the reason, and the run goes on", async () => {
    const real = createDataAgent({ source: createPgCustomerSource(pool) });
    const broken = customers[1]!;
    const data: Agent<DataAgentMessage, DataAgentResponse> = {
      name: "data",
      async process(message) {
        if (message.type === "get_customer_data" && message.customerId === broken) throw new Error("the disk is on fire");
        return real.process(message);
      },
    };
    const o = await orchestrator({ data });
    const response = await o.process({ type: "process_run", runId, customerIds: customers.slice(0, 4) });
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(response.data.processed).toBe(4);
    expect(response.data.byStatus.failed).toBe(1);
    expect(response.data.failures).toEqual([{ customerId: broken, reason: "Internal error: the disk is on fire" }]);
    const { rows } = await pool.query<{ status: string; failureReason: string; treatmentKey: string | null }>(
      `SELECT status::text, "failureReason", "treatmentKey" FROM "Recommendation" WHERE "runId" = $1 AND "customerId" = $2`,
      [runId, broken],
    );
    expect(rows).toEqual([{ status: "failed", failureReason: "Internal error: the disk is on fire", treatmentKey: null }]);
    expect(await count(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1 AND status <> 'failed'`, [runId])).toBe(3);
  });

  test("a customer missing from the selection is listed, not failed", async () => {
    const o = await orchestrator();
    const response = await o.process({ type: "process_run", runId, customerIds: [customers[0]!, "GONE-1"] });
    expect(response.ok && response.data.missingCustomers).toEqual(["GONE-1"]);
    expect(response.ok && response.data.byStatus.failed).toBe(0);
  });

  test("a message of unknown type gets a typed error, not a crash", async () => {
    const o = await orchestrator();
    const response = await o.process(JSON.parse('{"type":"process_everything"}'));
    expect(response).toMatchObject({ ok: false, type: "process_everything", error: { code: "unknown_message_type" } });
    const untyped = await o.process(JSON.parse("{}"));
    expect(untyped.ok).toBe(false);
  });

  test.each([
    { title: "a run id that is not a UUID", message: { type: "process_customer", runId: "run-1", customerId: "T-0001" } },
    { title: "an empty customer id", message: { type: "process_customer", runId: "00000000-0000-4000-8000-000000000009", customerId: "" } },
    { title: "customer ids that are not a list", message: { type: "process_run", runId: "00000000-0000-4000-8000-000000000009", customerIds: "T-0001" } },
    { title: "a customer id that is not text", message: { type: "process_run", runId: "00000000-0000-4000-8000-000000000009", customerIds: [42] } },
  ])("refuses $title with invalid_message and writes nothing", async ({ message }) => {
    const o = await orchestrator();
    const response = await o.process(message as never);
    expect(response).toMatchObject({ ok: false, error: { code: "invalid_message" } });
    expect(await count(`SELECT count(*)::int AS n FROM "Recommendation"`, [])).toBe(0);
  });
});
