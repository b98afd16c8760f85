import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { TestDatabase } from "../../database/testing";
import { type SeededTemplate, createSeededTemplate } from "../../testing/seeded-template";
import { createPgCapacityStore } from "../../pipeline/pg-capacity-store";
import { insertCatalog, insertCustomers, insertRun, testCatalog } from "../../pipeline/testing/fixtures";
import type { AllocationAgentResponse, AllocationRequest } from "../messages";
import { type AllocationAgent, bindAllocationAgent, createAllocationAgent } from "./allocation-agent";
import { decideHold } from "./capacity";
import type { CapacityStore, DecisionRecord } from "./ports";

describe("decideHold", () => {
  const resource = (used: number) => ({ key: "r", name: "Slots", limit: 40, used, held: used, reservedHighValue: 10, period: "day" as const, periodStart: "2026-01-01T00:00:00Z" });
  test.each([
    { used: 29, isHighValue: false, granted: true, reserve: false, title: "grants the 30th slot to anyone when 10 of 40 are reserved" },
    { used: 30, isHighValue: false, granted: false, reserve: false, title: "denies the 31st slot to a regular customer when 10 of 40 are reserved" },
    { used: 30, isHighValue: true, granted: true, reserve: true, title: "grants the 31st slot to a high-value customer from the reserve" },
    { used: 39, isHighValue: true, granted: true, reserve: true, title: "grants the 40th slot to a high-value customer" },
    { used: 40, isHighValue: true, granted: false, reserve: false, title: "denies the 41st slot when 40 are allowed, whoever asks" },
  ])("$title", ({ used, isHighValue, granted, reserve }) => {
    const d = decideHold(resource(used), 1, isHighValue);
    expect(d.isGranted).toBe(granted);
    if (d.isGranted) expect(d.usedReserve).toBe(reserve);
  });
});

describe("allocation agent on PostgreSQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: CapacityStore;
  let agent: AllocationAgent;
  let customers: string[];
  let template: SeededTemplate;

  // The catalog with 10 call slots and 50 customers, seeded once; each test gets its own copy.
  beforeAll(async () => {
    template = await createSeededTemplate(async (url) => {
      await insertCatalog(url, { limits: { call_slots: 10 } });
      customers = await insertCustomers(url, { count: 50, highValueEvery: 5 });
    });
  });
  afterAll(async () => {
    await template.drop();
  });
  beforeEach(async () => {
    db = await template.clone();
    pool = new pg.Pool({ connectionString: db.url, max: 20 });
    store = createPgCapacityStore(pool);
    agent = createAllocationAgent({ store, catalog: testCatalog });
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  const request = (customerId: string, extra: Partial<AllocationRequest> = {}): AllocationRequest => ({
    requestId: randomUUID(),
    customerId,
    treatmentKey: "retention_call",
    units: 1,
    priority: 0,
    isHighValue: false,
    ...extra,
  });

  const counters = async () => (await pool.query(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0] as { used: number; held: number };

  /** Writes a pending recommendation with a hold, the way a run does, and returns its id. */
  async function pendingWithHold(customerId: string, runId: string): Promise<{ id: string; outcome: string }> {
    const id = randomUUID();
    return store.transact(async (capacity) => {
      const bound = bindAllocationAgent({ capacity, catalog: testCatalog });
      const res = await bound.process({ type: "allocate_resource", requests: [request(customerId, { recommendationId: id, runId })] });
      if (!res.ok || res.type !== "allocate_resource") throw new Error("allocation failed");
      const outcome = res.data.results[0]!.outcome;
      const decision: DecisionRecord = {
        id, runId, customerId, status: outcome === "held" ? "pending_review" : "no_action", treatmentKey: outcome === "held" ? "retention_call" : null,
        policy: "rules", rationale: "test", confidence: 0.5, expectedValue: 10, alternatives: [], fallbackPath: [], permissionStatement: "Call marketing allowed",
        nextContactAt: null, failureReason: null, trace: { steps: [] },
      };
      return { value: { id, outcome }, writes: { decisions: [decision] } };
    });
  }

  test("holds capacity and writes a held row to the history", async () => {
    const res = await agent.process({ type: "allocate_resource", requests: [request(customers[0]!)] });
    expect(res.ok && res.type === "allocate_resource" && res.data.results[0]?.outcome).toBe("held");
    expect(await counters()).toEqual({ used: 1, held: 1 });
    const history = await pool.query(`SELECT outcome FROM "Allocation"`);
    expect(history.rows).toEqual([{ outcome: "held" }]);
  });

  test("denies the 11th slot when 10 are allowed and records the denial with its reason", async () => {
    const res = await agent.process({ type: "allocate_resource", requests: customers.slice(0, 11).map((c) => request(c)) });
    if (!res.ok || res.type !== "allocate_resource") throw new Error("expected results");
    expect(res.data.results.filter((r) => r.outcome === "held")).toHaveLength(10);
    expect(res.data.results[10]).toMatchObject({ outcome: "denied", reason: expect.stringContaining("full") });
    expect(await counters()).toEqual({ used: 10, held: 10 });
  });

  test("serves a batch in priority order, not arrival order", async () => {
    const requests = customers.slice(0, 15).map((c, i) => request(c, { priority: i }));
    const res = await agent.process({ type: "allocate_resource", requests });
    if (!res.ok || res.type !== "allocate_resource") throw new Error("expected results");
    const held = res.data.results.filter((r) => r.outcome === "held").map((r) => requests.findIndex((q) => q.requestId === r.requestId));
    expect(held.sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test("keeps the reserved share for high-value customers", async () => {
    await pool.query(`UPDATE "ResourceConstraint" SET "reservedHighValue" = 4 WHERE key = 'call_slots'`);
    const regular = await agent.process({ type: "allocate_resource", requests: customers.slice(0, 8).map((c) => request(c)) });
    if (!regular.ok || regular.type !== "allocate_resource") throw new Error("expected results");
    expect(regular.data.results.filter((r) => r.outcome === "held")).toHaveLength(6);
    expect(regular.data.results[7]?.reason).toMatch(/reserve/);
    const vip = await agent.process({ type: "allocate_resource", requests: customers.slice(8, 13).map((c) => request(c, { isHighValue: true })) });
    if (!vip.ok || vip.type !== "allocate_resource") throw new Error("expected results");
    expect(vip.data.results.map((r) => r.outcome)).toEqual(["held", "held", "held", "held", "denied"]);
    expect(vip.data.results.slice(0, 4).every((r) => r.usedReserve)).toBe(true);
  });

  test("50 customers racing for 10 slots in parallel get exactly 10, and the history agrees", async () => {
    const responses = await Promise.all(customers.map((c) => agent.process({ type: "allocate_resource", requests: [request(c)] })));
    const outcomes = responses.map((r) => (r.ok && r.type === "allocate_resource" ? r.data.results[0]!.outcome : "error"));
    expect(outcomes.filter((o) => o === "held")).toHaveLength(10);
    expect(outcomes.filter((o) => o === "denied")).toHaveLength(40);
    expect(await counters()).toEqual({ used: 10, held: 10 });
    const history = await pool.query(`SELECT outcome, count(*)::int AS n FROM "Allocation" GROUP BY outcome ORDER BY outcome::text`);
    expect(history.rows).toEqual([{ outcome: "denied", n: 40 }, { outcome: "held", n: 10 }]);
  });

  test("confirming turns a hold into use; releasing gives it back; neither happens twice", async () => {
    const runId = await insertRun(db.url);
    const a = await pendingWithHold(customers[0]!, runId);
    const b = await pendingWithHold(customers[1]!, runId);
    expect(await counters()).toEqual({ used: 2, held: 2 });

    const confirmed = await agent.process({ type: "confirm_allocation", recommendationIds: [a.id], actor: "marketer@demo" });
    expect(confirmed).toMatchObject({ ok: true, data: { confirmed: [a.id] } });
    expect(await counters()).toEqual({ used: 2, held: 1 });

    const released = await agent.process({ type: "release_allocation", recommendationIds: [b.id, a.id], actor: "marketer@demo", reason: "not now" });
    expect(released).toMatchObject({ ok: true, data: { released: [b.id], skipped: [{ recommendationId: a.id }] } });
    expect(await counters()).toEqual({ used: 1, held: 0 });

    const again = await agent.process({ type: "confirm_allocation", recommendationIds: [a.id, b.id], actor: "marketer@demo" });
    expect(again).toMatchObject({ ok: true, data: { confirmed: [] } });
    expect(await counters()).toEqual({ used: 1, held: 0 });
  });

  test("parallel approvals of the same recommendation confirm it once", async () => {
    const runId = await insertRun(db.url);
    const a = await pendingWithHold(customers[0]!, runId);
    const results = await Promise.all(Array.from({ length: 8 }, () => agent.process({ type: "confirm_allocation", recommendationIds: [a.id], actor: "m" })));
    const confirmedCount = results.filter((r) => r.ok && r.type === "confirm_allocation" && r.data.confirmed.length === 1).length;
    expect(confirmedCount).toBe(1);
    const rows = await pool.query(`SELECT outcome FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [a.id]);
    expect(rows.rows.map((r) => r.outcome)).toEqual(["held", "confirmed"]);
  });

  test("a new period clears confirmed use but keeps holds awaiting review, and is audited", async () => {
    const runId = await insertRun(db.url);
    const a = await pendingWithHold(customers[0]!, runId);
    await pendingWithHold(customers[1]!, runId);
    await agent.process({ type: "confirm_allocation", recommendationIds: [a.id], actor: "m" });
    const res = await agent.process({ type: "reset_constraints", resourceKeys: ["call_slots"], actor: "manager@demo" });
    expect(res.ok).toBe(true);
    expect(await counters()).toEqual({ used: 1, held: 1 });
    const audit = await pool.query(`SELECT action, "entityId", before->>'used' AS before_used, after->>'used' AS after_used FROM "AuditLog"`);
    expect(audit.rows).toEqual([{ action: "constraint.reset_period", entityId: "call_slots", before_used: "2", after_used: "1" }]);
  });

  test("get_constraints and check_availability report what is left", async () => {
    await agent.process({ type: "allocate_resource", requests: customers.slice(0, 7).map((c) => request(c)) });
    const status = await agent.process({ type: "get_constraints" });
    expect(status).toMatchObject({ ok: true, data: { resources: expect.arrayContaining([expect.objectContaining({ key: "call_slots", used: 7, availableGeneral: 3 })]) } });
    const check = await agent.process({ type: "check_availability", treatmentKey: "retention_call", units: 4 });
    expect(check).toMatchObject({ ok: true, data: { isAvailable: false, available: 3 } });
    const free = await agent.process({ type: "check_availability", treatmentKey: "retention_email" });
    expect(free).toMatchObject({ ok: true, data: { isAvailable: true, resourceKey: null } });
  });

  test.each([
    { title: "unknown message type", message: { type: "steal_capacity" }, code: "unknown_message_type" },
    { title: "not an object", message: "allocate", code: "unknown_message_type" },
    { title: "unknown treatment", message: { type: "allocate_resource", requests: [{ requestId: "r", customerId: "T-0001", treatmentKey: "free_phone", units: 1, priority: 0, isHighValue: false }] }, code: "invalid_message" },
    { title: "zero units", message: { type: "allocate_resource", requests: [{ requestId: "r", customerId: "T-0001", treatmentKey: "retention_call", units: 0, priority: 0, isHighValue: false }] }, code: "invalid_message" },
    { title: "units as a string", message: { type: "allocate_resource", requests: [{ requestId: "r", customerId: "T-0001", treatmentKey: "retention_call", units: "1", priority: 0, isHighValue: false }] }, code: "invalid_message" },
    { title: "reset of an unknown resource", message: { type: "reset_constraints", resourceKeys: ["gold_bars"], actor: "m" }, code: "not_found" },
    { title: "confirm with a malformed id", message: { type: "confirm_allocation", recommendationIds: ["not-a-uuid"], actor: "m" }, code: "invalid_message" },
  ])("refuses $title with a typed error and changes nothing", async ({ message, code }) => {
    const res = (await agent.process(message as never)) as AllocationAgentResponse;
    expect(res).toMatchObject({ ok: false, error: { code } });
    expect(await counters()).toEqual({ used: 0, held: 0 });
    expect((await pool.query(`SELECT count(*)::int AS n FROM "Allocation"`)).rows[0].n).toBe(0);
  });
});
