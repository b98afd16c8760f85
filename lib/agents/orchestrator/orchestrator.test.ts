import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../../database/testing";
import { loadCatalog } from "../../pipeline/catalog";
import { createCustomerCache } from "../../pipeline/customer-cache";
import { createPgCustomerSource } from "../../pipeline/customer-source";
import { createPgCapacityStore } from "../../pipeline/pg-capacity-store";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "../../pipeline/testing/fixtures";
import { createDataAgent } from "../data/data-agent";
import { createJourneyAgent } from "../journey/journey-agent";
import type { DataAgentMessage, DataAgentResponse } from "../messages";
import { type Orchestrator, type OrchestratorDeps, createOrchestrator } from "./index";
import type { RunProgress } from "./messages";
import type { CapacityStore } from "../allocation/ports";
import type { Agent } from "../protocol";
import { createTreatmentAgent } from "../treatment/treatment-agent";

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
      data: createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() }),
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
    const real = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() });
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

  test("a decision the database refuses fails only its own customer; the rest of its batch is saved", async () => {
    const real = createPgCapacityStore(pool);
    const refused = customers[2]!;
    // The database refuses any batch that writes an action for this customer.
    const capacity: CapacityStore = {
      readResources: () => real.readResources(),
      transact: (fn) =>
        real.transact(async (locked) => {
          const result = await fn(locked);
          if (result.writes?.decisions?.some((d) => d.customerId === refused && d.status !== "failed")) throw new Error("value too long for type character varying");
          return result;
        }),
    };
    const o = await orchestrator({ capacity, batchSize: 5 });
    const response = await o.process({ type: "process_run", runId, customerIds: customers.slice(0, 5) });
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(response.data.processed).toBe(5);
    expect(response.data.byStatus.failed).toBe(1);
    expect(response.data.failures).toEqual([{ customerId: refused, reason: expect.stringMatching(/could not be stored/) }]);
    const rows = await pool.query<{ customerId: string; status: string; failureReason: string | null; trace: { steps: { type: string }[] } }>(
      `SELECT "customerId", status::text, "failureReason", trace FROM "Recommendation" WHERE "runId" = $1 ORDER BY "customerId"`,
      [runId],
    );
    expect(rows.rows).toHaveLength(5);
    const failed = rows.rows.find((r) => r.customerId === refused)!;
    expect(failed.status).toBe("failed");
    expect(failed.failureReason).not.toMatch(/character varying/);
    // The rolled-back attempts left no steps behind in the trace: the allocation step appears once at most.
    expect(failed.trace.steps.filter((s) => s.type === "allocate_resource").length).toBeLessThanOrEqual(1);
    // Capacity agrees with the saved holds: the refused customer took none.
    const held = await count(`SELECT count(*)::int AS n FROM "Allocation" WHERE "runId" = $1 AND outcome = 'held'`, [runId]);
    expect(held).toBe(await count(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1 AND status = 'pending_review' AND "treatmentKey" IN ('retention_call', 'retention_sms')`, [runId]));
    expect(await count(`SELECT count(*)::int AS n FROM "Allocation" WHERE "customerId" = $1`, [refused])).toBe(0);
    const used = await count(`SELECT sum(used)::int AS n FROM "ResourceConstraint"`, []);
    expect(used).toBe(held);
  });

  test("when customers cannot be loaded together, each is read on its own and the run completes", async () => {
    const source = createPgCustomerSource(pool);
    let bulkLoads = 0;
    const data = createDataAgent({
      source: {
        async loadCustomers(ids) {
          if (ids.length > 1) {
            bulkLoads++;
            throw new Error("statement timeout");
          }
          return source.loadCustomers(ids);
        },
      },
      cache: createCustomerCache(),
    });
    const o = await orchestrator({ data, chunkSize: 4, concurrency: 2 });
    const response = await o.process({ type: "process_run", runId, customerIds: customers });
    expect(bulkLoads).toBeGreaterThanOrEqual(2);
    expect(response.ok && response.data).toMatchObject({ processed: 12, byStatus: { failed: 0 } });
    expect(await count(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1`, [runId])).toBe(12);
  });

  test("a customer named twice in one run is decided once", async () => {
    const o = await orchestrator();
    const response = await o.process({ type: "process_run", runId, customerIds: [customers[0]!, customers[1]!, customers[0]!] });
    expect(response.ok && response.data).toMatchObject({ customers: 2, processed: 2 });
    expect(await count(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1`, [runId])).toBe(2);
  });
});
