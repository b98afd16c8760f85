import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createAllocationAgent } from "../agents/allocation/allocation-agent";
import { AppError } from "../errors";
import { loadCatalog } from "./catalog";
import { createPgCapacityStore } from "./pg-capacity-store";
import { type ReviewAction, describeReviewOutcome, listOverrideChoices } from "./review";
import { countersOf, newCustomers, overrideChoicesOf, reviewAs, runPipeline, reviewDatabasePerTest } from "./review/test-fixture";
import { insertCatalog } from "./testing/fixtures";

const t = reviewDatabasePerTest({ poolSize: 12 });

const reviewer = { id: null, label: "Test reviewer" };
const one = async <T>(sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows[0] as T;
const counters = (key: string) => countersOf(t.pool, key);
const outcomes = async (key: string) =>
  Object.fromEntries(
    (await t.pool.query<{ outcome: string; n: number }>(`SELECT outcome::text, count(*)::int AS n FROM "Allocation" WHERE "resourceKey" = $1 GROUP BY outcome`, [key])).rows.map((r) => [r.outcome, r.n]),
  );

const review = (ids: string[], action: ReviewAction) => reviewAs(t.pool, reviewer, ids, action);

/** Runs the pipeline over `count` customers with `callSlots` call slots; answers the call recommendations (held) by id. */
async function pipeline(opts: { count: number; callSlots: number; smsQuota?: number; channels?: string[] }) {
  await insertCatalog(t.url, { limits: { call_slots: opts.callSlots, sms_quota: opts.smsQuota ?? 1000 } });
  const { runId, pending } = await runPipeline(t.pool, await newCustomers(t.url, { count: opts.count, ...(opts.channels ? { channels: opts.channels } : {}) }));
  const calls = pending.filter((r) => r.treatmentKey === "retention_call");
  return { runId, callIds: calls.map((r) => r.id), customers: calls.map((r) => r.customerId) };
}

async function insertPending(runId: string, customerId: string, treatmentKey: string): Promise<string> {
  const id = randomUUID();
  await t.pool.query(
    `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "updatedAt")
     VALUES ($1, $2, $3, 'pending_review', $4, 'rules', 'Written without a hold', 0.5, 10, 'Call marketing allowed.', now())`,
    [id, runId, customerId, treatmentKey],
  );
  return id;
}

describe("approve and reject", () => {
  test("approving 4 held call recommendations confirms them: used stays, held drops by 4, one audit entry each", async () => {
    const { callIds } = await pipeline({ count: 6, callSlots: 10 });
    expect(callIds).toHaveLength(6);
    expect(await counters("call_slots")).toMatchObject({ used: 6, held: 6 });
    const outcome = await review(callIds.slice(0, 4), { kind: "approve" });
    expect(outcome).toEqual({ done: callIds.slice(0, 4), skipped: [] });
    expect(await counters("call_slots")).toMatchObject({ used: 6, held: 2 });
    expect(await outcomes("call_slots")).toEqual({ held: 6, confirmed: 4 });
    const statuses = await t.pool.query(`SELECT status::text, count(*)::int AS n FROM "Recommendation" WHERE id = ANY($1::uuid[]) GROUP BY status`, [callIds]);
    expect(statuses.rows).toEqual(expect.arrayContaining([{ status: "approved", n: 4 }, { status: "pending_review", n: 2 }]));
    const audit = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditLog" WHERE action = 'recommendation.approve'`);
    expect(audit.n).toBe(4);
  });

  test("rejecting 2 releases their capacity and records the reason", async () => {
    const { callIds } = await pipeline({ count: 5, callSlots: 10 });
    const outcome = await review(callIds.slice(0, 2), { kind: "reject", reason: "Called last week" });
    expect(outcome.done).toHaveLength(2);
    expect(await counters("call_slots")).toMatchObject({ used: 3, held: 3 });
    const rec = await one<{ status: string; reviewReason: string }>(`SELECT status::text, "reviewReason" FROM "Recommendation" WHERE id = $1`, [callIds[0]]);
    expect(rec).toEqual({ status: "rejected", reviewReason: "Called last week" });
  });

  test.each([
    { first: { kind: "approve" } as ReviewAction, second: { kind: "approve" } as ReviewAction, label: "two approvals" },
    { first: { kind: "approve" } as ReviewAction, second: { kind: "reject", reason: "Changed my mind" } as ReviewAction, label: "an approval and a rejection" },
  ])("$label of the same 8 recommendations at once change each exactly once; counters agree with history", async ({ first, second }) => {
    const { callIds } = await pipeline({ count: 8, callSlots: 10 });
    const [a, b] = await Promise.all([review(callIds, first), review(callIds, second)]);
    expect([...a.done, ...b.done].sort()).toEqual([...callIds].sort());
    expect(a.skipped.length + b.skipped.length).toBe(8);
    for (const s of [...a.skipped, ...b.skipped]) expect(s.reason).toMatch(/^Already (approved|rejected)$/);
    const history = await outcomes("call_slots");
    expect((history.confirmed ?? 0) + (history.released ?? 0)).toBe(8);
    const c = await counters("call_slots");
    expect(c.held).toBe(0);
    expect(c.used).toBe(history.confirmed ?? 0);
  });

  test("skips unknown ids and recommendations reviewed before, naming why", async () => {
    const { callIds } = await pipeline({ count: 2, callSlots: 10 });
    await review([callIds[0]!], { kind: "approve" });
    const unknown = randomUUID();
    const outcome = await review([callIds[0]!, callIds[1]!, unknown], { kind: "reject", reason: "Not now" });
    expect(outcome.done).toEqual([callIds[1]]);
    expect(outcome.skipped).toEqual([
      { recommendationId: callIds[0], reason: "Already approved" },
      { recommendationId: unknown, reason: "No such recommendation" },
    ]);
  });

  test("approving a recommendation whose capacity was already confirmed takes no second unit", async () => {
    const { callIds } = await pipeline({ count: 1, callSlots: 10 });
    // Its capacity was confirmed through the allocation agent before anyone reviewed it.
    const store = createPgCapacityStore(t.pool);
    const agent = createAllocationAgent({ store, catalog: await loadCatalog(t.pool) });
    expect((await agent.process({ type: "confirm_allocation", recommendationIds: [callIds[0]!], actor: "Test" })).ok).toBe(true);
    expect(await counters("call_slots")).toMatchObject({ used: 1, held: 0 });
    expect(await review([callIds[0]!], { kind: "approve" })).toEqual({ done: [callIds[0]], skipped: [] });
    expect(await counters("call_slots")).toMatchObject({ used: 1, held: 0 });
    expect(await outcomes("call_slots")).toEqual({ held: 1, confirmed: 1 });
  });

  test("a pending recommendation without a hold takes capacity on approval while there is room and is skipped once full", async () => {
    const { runId } = await pipeline({ count: 1, callSlots: 3 });
    await newCustomers(t.url, { count: 3, prefix: "H" });
    const ids = [];
    for (const c of ["H-0001", "H-0002", "H-0003"]) ids.push(await insertPending(runId, c, "retention_call"));
    const outcome = await review(ids, { kind: "approve" });
    expect(outcome.done).toEqual(ids.slice(0, 2));
    expect(outcome.skipped).toEqual([{ recommendationId: ids[2], reason: expect.stringMatching(/^No capacity left: Call-centre slots is full: 3 of 3/) }]);
    expect(await counters("call_slots")).toMatchObject({ used: 3, held: 1, limit: 3 });
    expect((await one<{ status: string }>(`SELECT status::text FROM "Recommendation" WHERE id = $1`, [ids[2]])).status).toBe("pending_review");
    expect(await outcomes("call_slots")).toEqual({ held: 3, confirmed: 2, denied: 1 });
  });

  test("a treatment without a resource is approved without touching capacity", async () => {
    const { runId } = await pipeline({ count: 1, callSlots: 3 });
    await newCustomers(t.url, { count: 1, prefix: "E" });
    const id = await insertPending(runId, "E-0001", "retention_email");
    const before = await counters("call_slots");
    expect(await review([id], { kind: "approve" })).toEqual({ done: [id], skipped: [] });
    expect(await counters("call_slots")).toEqual(before);
  });
});

describe("override", () => {
  test("moves the hold from call slots to the SMS quota, confirms it, and records where it came from", async () => {
    const { callIds } = await pipeline({ count: 3, callSlots: 10 });
    const id = callIds[0]!;
    const outcome = await review([id], { kind: "override", treatmentKey: "retention_sms", reason: "Prefers text messages" });
    expect(outcome).toEqual({ done: [id], skipped: [] });
    expect(await counters("call_slots")).toMatchObject({ used: 2, held: 2 });
    expect(await counters("sms_quota")).toMatchObject({ used: 1, held: 0 });
    const rec = await one(`SELECT status::text, "treatmentKey", "overriddenFrom", "reviewReason" FROM "Recommendation" WHERE id = $1`, [id]);
    expect(rec).toEqual({ status: "overridden", treatmentKey: "retention_sms", overriddenFrom: "retention_call", reviewReason: "Prefers text messages" });
    const history = await t.pool.query(`SELECT "resourceKey", outcome::text FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [id]);
    expect(history.rows).toEqual([
      { resourceKey: "call_slots", outcome: "held" },
      { resourceKey: "call_slots", outcome: "released" },
      { resourceKey: "sms_quota", outcome: "held" },
      { resourceKey: "sms_quota", outcome: "confirmed" },
    ]);
    const audit = await one(`SELECT action, before, after, reason FROM "AuditLog" WHERE "entityId" = $1`, [id]);
    expect(audit).toEqual({
      action: "recommendation.override",
      before: { status: "pending_review", treatmentKey: "retention_call" },
      after: { status: "overridden", treatmentKey: "retention_sms", reasonCode: "other" },
      reason: "Prefers text messages",
    });
  });

  async function expectRefused(id: string, action: ReviewAction, message: RegExp) {
    const before = { calls: await counters("call_slots"), sms: await counters("sms_quota"), history: await outcomes("call_slots") };
    const error = await review([id], action).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).userMessage).toMatch(message);
    expect({ calls: await counters("call_slots"), sms: await counters("sms_quota"), history: await outcomes("call_slots") }).toEqual(before);
    expect((await one<{ status: string }>(`SELECT status::text FROM "Recommendation" WHERE id = $1`, [id])).status).toBe("pending_review");
  }

  test("is refused, changing nothing, when the new treatment's resource has no room", async () => {
    const { callIds } = await pipeline({ count: 2, callSlots: 10, smsQuota: 1 });
    await t.pool.query(`UPDATE "ResourceConstraint" SET used = 1 WHERE key = 'sms_quota'`);
    await expectRefused(callIds[0]!, { kind: "override", treatmentKey: "retention_sms", reason: "Prefers texts" }, /Retention SMS has no room left/);
  });

  test("a refused override still leaves its denied attempt in the allocation history, and only that", async () => {
    const { callIds, customers } = await pipeline({ count: 2, callSlots: 10, smsQuota: 1 });
    await t.pool.query(`UPDATE "ResourceConstraint" SET used = 1 WHERE key = 'sms_quota'`);
    const smsBefore = await outcomes("sms_quota");
    await expect(review([callIds[0]!], { kind: "override", treatmentKey: "retention_sms", reason: "Prefers texts" })).rejects.toThrow(/no room left/);
    expect(await outcomes("sms_quota")).toEqual({ ...smsBefore, denied: (smsBefore.denied ?? 0) + 1 });
    const denied = await one<{ customerId: string; recommendationId: string; reason: string }>(
      `SELECT "customerId", "recommendationId", reason FROM "Allocation" WHERE "resourceKey" = 'sms_quota' AND outcome = 'denied' ORDER BY id DESC LIMIT 1`,
    );
    expect(denied).toMatchObject({ customerId: customers[0], recommendationId: callIds[0] });
    expect(await counters("sms_quota")).toMatchObject({ used: 1, held: 0 });
    expect(await counters("call_slots")).toMatchObject({ used: 2, held: 2 });
    // The denial changed no hold: approving confirms the unit it still holds and takes no other.
    expect(await review([callIds[0]!], { kind: "approve" })).toEqual({ done: [callIds[0]], skipped: [] });
    expect(await counters("call_slots")).toMatchObject({ used: 2, held: 1 });
    // And rejecting the other after its own refused override gives its unit back.
    await expect(review([callIds[1]!], { kind: "override", treatmentKey: "retention_sms", reason: "Prefers texts" })).rejects.toThrow(/no room left/);
    await review([callIds[1]!], { kind: "reject", reason: "Not now" });
    expect(await counters("call_slots")).toMatchObject({ used: 1, held: 0 });
  });

  test.each([
    { treatmentKey: "retention_sms", message: /^Not overridden: Retention SMS: no SMS marketing consent is recorded\./, label: "a channel the customer refused" },
    { treatmentKey: "ignore", message: /reject the recommendation/, label: "no action" },
    { treatmentKey: "retention_call", message: /other than the recommended one/, label: "the same treatment" },
    { treatmentKey: "gold_plan", message: /not an active treatment/, label: "an unknown treatment" },
  ])("is refused for $label", async ({ treatmentKey, message }) => {
    const { callIds } = await pipeline({ count: 1, callSlots: 10, channels: ["call", "email"] });
    await expectRefused(callIds[0]!, { kind: "override", treatmentKey, reason: "Reviewer choice" }, message);
  });

  test("takes one recommendation at a time, and a reviewed one is skipped", async () => {
    const { callIds } = await pipeline({ count: 2, callSlots: 10 });
    await expect(review(callIds, { kind: "override", treatmentKey: "retention_sms", reason: "x".repeat(5) })).rejects.toThrow(/one recommendation at a time/);
    await review([callIds[0]!], { kind: "approve" });
    expect(await review([callIds[0]!], { kind: "override", treatmentKey: "retention_sms", reason: "Too late" })).toEqual({
      done: [],
      skipped: [{ recommendationId: callIds[0], reason: "Already approved" }],
    });
  });

  test("two overrides of one recommendation at once: one moves the capacity, the other is skipped", async () => {
    const { callIds } = await pipeline({ count: 1, callSlots: 10 });
    const id = callIds[0]!;
    const results = await Promise.all([
      review([id], { kind: "override", treatmentKey: "retention_sms", reason: "First" }),
      review([id], { kind: "override", treatmentKey: "retention_email", reason: "Second" }),
    ]);
    expect(results.map((r) => r.done.length).sort()).toEqual([0, 1]);
    expect(await counters("call_slots")).toMatchObject({ used: 0, held: 0 });
    expect(await outcomes("call_slots")).toEqual({ held: 1, released: 1 });
  });
});

describe("listOverrideChoices", () => {
  test("offers the allowed treatments other than the current one, with the room left on each", async () => {
    const { callIds } = await pipeline({ count: 2, callSlots: 10, smsQuota: 5 });
    const choices = await overrideChoicesOf(t.pool, callIds[0]!);
    expect(choices).toMatchObject({ currentKey: "retention_call", isPending: true });
    expect(choices!.options.map((o) => [o.treatmentKey, o.available])).toEqual([
      ["retention_sms", 5],
      ["retention_email", null],
    ]);
  });

  test("offers nothing once the recommendation is reviewed, and null for an unknown id", async () => {
    const { callIds } = await pipeline({ count: 1, callSlots: 10 });
    await review(callIds, { kind: "approve" });
    const deps = { pool: t.pool, store: createPgCapacityStore(t.pool), catalog: await loadCatalog(t.pool) };
    expect(await listOverrideChoices({ ...deps, recommendationId: callIds[0]! })).toMatchObject({ isPending: false, options: [] });
    expect(await listOverrideChoices({ ...deps, recommendationId: randomUUID() })).toBeNull();
  });
});

test.each([
  { kind: "approve" as const, done: 18, skipped: ["Already approved", "Already approved"], text: "Approved 18; 2 skipped: already approved" },
  { kind: "reject" as const, done: 3, skipped: [], text: "Rejected 3" },
  { kind: "approve" as const, done: 0, skipped: ["Already rejected", "No capacity left: X is full", "No capacity left: X is full"], text: "Approved 0; 3 skipped: already rejected (1), no capacity left: X is full (2)" },
  { kind: "override" as const, done: 1, skipped: [], text: "Overrode 1" },
])("describeReviewOutcome says $text", ({ kind, done, skipped, text }) => {
  const outcome = { done: Array.from({ length: done }, (_, i) => `d${i}`), skipped: skipped.map((reason, i) => ({ recommendationId: `s${i}`, reason })) };
  expect(describeReviewOutcome(kind, outcome)).toBe(text);
});
