import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";
import { createRun, executeRun } from "@/lib/pipeline/runs";
import { insertCatalog, insertCustomers, insertPermissions } from "@/lib/pipeline/testing/fixtures";
import { type Actor, PERMISSIONS } from "@/lib/auth/roles";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

// Who acts is the one thing these tests steer; everything else runs against PostgreSQL.
const acting: { actor: Actor } = { actor: { id: "00000000-0000-4000-8000-000000000002", label: "Amira Khan (marketer)", role: "marketer" } };
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => acting.actor }));

let db: TestDatabase;
let pool: pg.Pool;
let actions: typeof import("./actions");
let callIds: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Set before anything reads the settings, which are read once per process.
  process.env.DATABASE_URL = db.url;
  await insertCatalog(db.url, { limits: { call_slots: 20 } });
  const ids = await insertCustomers(db.url, { count: 16 });
  await insertPermissions(db.url, ids);
  pool = new pg.Pool({ connectionString: db.url });
  await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, 'amira@example.test', 'Amira Khan', 'marketer', now())`, [acting.actor.id]);
  const run = await createRun(pool, { scope: { customerIds: ids }, policy: "rules" });
  await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
  callIds = (await pool.query<{ id: string }>(`SELECT id FROM "Recommendation" WHERE "treatmentKey" = 'retention_call' ORDER BY "customerId"`)).rows.map((r) => r.id);
  process.env.DATABASE_URL = db.url;
  delete process.env.OPENAI_API_KEY;
  actions = await import("./actions");
});
afterAll(async () => {
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await pool.end();
  await db.drop();
});

const counters = async () => (await pool.query(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0] as { used: number; held: number };
const statusOf = async (id: string) => (await pool.query(`SELECT status::text, "reviewedById" FROM "Recommendation" WHERE id = $1`, [id])).rows[0];

test("the run left 16 call recommendations holding 16 slots", async () => {
  expect(callIds).toHaveLength(16);
  expect(await counters()).toEqual({ used: 16, held: 16 });
});

describe("approveRecommendationsAction", () => {
  test("approves, records the reviewer, and a repeat reports what was skipped", async () => {
    const ids = callIds.slice(0, 3);
    const first = await actions.approveRecommendationsAction({ ids });
    expect(first).toEqual({ ok: true, data: { done: ids, skipped: [], message: "Approved 3" } });
    expect(await statusOf(ids[0]!)).toEqual({ status: "approved", reviewedById: acting.actor.id });
    expect(await counters()).toEqual({ used: 16, held: 13 });
    const again = await actions.approveRecommendationsAction({ ids: [...ids, callIds[3]] });
    expect(again).toMatchObject({ ok: true, data: { done: [callIds[3]], message: "Approved 1; 3 skipped: already approved" } });
    expect(await counters()).toEqual({ used: 16, held: 12 });
  });

  test("two double-clicks at once confirm each recommendation once", async () => {
    const ids = callIds.slice(4, 8);
    const [a, b] = await Promise.all([actions.approveRecommendationsAction({ ids }), actions.approveRecommendationsAction({ ids })]);
    const done = [a, b].flatMap((r) => (r.ok ? r.data.done : []));
    expect(done.sort()).toEqual([...ids].sort());
    expect(await counters()).toEqual({ used: 16, held: 8 });
    const confirmed = await pool.query(`SELECT count(*)::int AS n FROM "Allocation" WHERE outcome = 'confirmed' AND "recommendationId" = ANY($1::uuid[])`, [ids]);
    expect(confirmed.rows[0].n).toBe(4);
  });

  test.each([
    { input: null, message: /no fields/i },
    { input: { ids: [] }, message: /at least one/ },
    { input: { ids: ["not-a-uuid"] }, message: /Not a recommendation id/ },
    { input: { ids: Array.from({ length: 501 }, () => randomUUID()) }, message: /at most 500/ },
    { input: { ids: [randomUUID()], extra: true }, message: /unrecognized|extra/i },
  ])("refuses $input.ids with a clear message", async ({ input, message }) => {
    const result = await actions.approveRecommendationsAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe("rejectRecommendationsAction", () => {
  test("rejects with the reason and gives the slots back", async () => {
    const ids = callIds.slice(8, 10);
    const result = await actions.rejectRecommendationsAction({ ids, reason: "  Called last week  " });
    expect(result).toMatchObject({ ok: true, data: { message: "Rejected 2" } });
    expect(await counters()).toEqual({ used: 14, held: 6 });
    const rec = (await pool.query(`SELECT "reviewReason" FROM "Recommendation" WHERE id = $1`, [ids[0]])).rows[0];
    expect(rec.reviewReason).toBe("Called last week");
  });

  test.each([
    { reason: undefined, message: /Give a reason/ },
    { reason: "  no ", message: /at least 3/ },
    { reason: "x".repeat(501), message: /within 500/ },
  ])("refuses a missing or bad reason ($reason) and changes nothing", async ({ reason }) => {
    const before = await counters();
    const result = await actions.rejectRecommendationsAction({ ids: [callIds[10]], reason });
    expect(result.ok).toBe(false);
    expect(await counters()).toEqual(before);
    expect((await statusOf(callIds[10]!)).status).toBe("pending_review");
  });
});

describe("overrideRecommendationAction", () => {
  test("lists the allowed alternatives, then moves the recommendation to one of them", async () => {
    const id = callIds[11]!;
    const choices = await actions.listOverrideChoicesAction({ id });
    expect(choices.ok && choices.data.options.map((o) => o.treatmentKey)).toEqual(["retention_sms", "retention_email"]);
    const result = await actions.overrideRecommendationAction({ id, treatmentKey: "retention_sms", reason: "Prefers texts" });
    expect(result).toMatchObject({ ok: true, data: { done: [id], message: "Overrode 1" } });
    expect(await counters()).toEqual({ used: 13, held: 5 });
    const rec = (await pool.query(`SELECT status::text, "treatmentKey", "overriddenFrom" FROM "Recommendation" WHERE id = $1`, [id])).rows[0];
    expect(rec).toEqual({ status: "overridden", treatmentKey: "retention_sms", overriddenFrom: "retention_call" });
  });

  test("refuses a treatment the customer may not get, with the reason, and changes nothing", async () => {
    const before = await counters();
    const result = await actions.overrideRecommendationAction({ id: callIds[12], treatmentKey: "ignore", reason: "Leave them be" });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/no action contacts nobody; to send nothing, reject the recommendation/) });
    expect(await counters()).toEqual(before);
  });

  test("refuses when the new resource is full", async () => {
    await pool.query(`UPDATE "ResourceConstraint" SET "limit" = used WHERE key = 'sms_quota'`);
    const result = await actions.overrideRecommendationAction({ id: callIds[12], treatmentKey: "retention_sms", reason: "Prefers texts" });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/Retention SMS has no room left/) });
    expect((await statusOf(callIds[12]!)).status).toBe("pending_review");
  });

  test.each([
    { input: { id: "x", treatmentKey: "retention_sms", reason: "Because" }, message: /Not a recommendation id/ },
    { input: { id: randomUUID(), treatmentKey: "", reason: "Because" }, message: /Choose a treatment/ },
    { input: { id: randomUUID(), treatmentKey: "retention_sms" }, message: /Give a reason/ },
  ])("refuses bad input: $message", async ({ input, message }) => {
    const result = await actions.overrideRecommendationAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

test("a viewer may not review: refused on the server, nothing changes", async () => {
  const previous = acting.actor;
  acting.actor = { id: null, label: "Viewer", role: "viewer" };
  try {
    const before = await counters();
    for (const result of [
      await actions.approveRecommendationsAction({ ids: [callIds[13]] }),
      await actions.rejectRecommendationsAction({ ids: [callIds[13]], reason: "Not mine" }),
      await actions.overrideRecommendationAction({ id: callIds[13], treatmentKey: "retention_sms", reason: "Not mine" }),
    ]) {
      expect(result).toEqual({ ok: false, message: PERMISSIONS["recommendations.review"].refusal });
    }
    expect(await counters()).toEqual(before);
  } finally {
    acting.actor = previous;
  }
});

describe("reason codes, selection and undo", () => {
  test.each([
    { input: { reasonCode: "contacted_recently" }, stored: { reviewReasonCode: "contacted_recently", reviewReason: "Customer contacted recently" } },
    { input: { reasonCode: "contacted_recently", reason: "Called on Monday" }, stored: { reviewReasonCode: "contacted_recently", reviewReason: "Called on Monday" } },
    { input: { reasonCode: "other", reason: "Moving abroad" }, stored: { reviewReasonCode: "other", reviewReason: "Moving abroad" } },
  ])("a rejection with $input stores $stored", async ({ input, stored }) => {
    const [id] = (await pool.query<{ id: string }>(`SELECT id FROM "Recommendation" WHERE status = 'pending_review' AND "treatmentKey" = 'retention_call' ORDER BY id LIMIT 1`)).rows;
    const result = await actions.rejectRecommendationsAction({ ids: [id!.id], ...input });
    expect(result).toMatchObject({ ok: true, data: { done: [id!.id] } });
    expect((await pool.query(`SELECT "reviewReasonCode", "reviewReason" FROM "Recommendation" WHERE id = $1`, [id!.id])).rows[0]).toEqual(stored);
  });

  test.each([
    { input: { ids: [randomUUID()], reasonCode: "other" }, message: /Give a reason/ },
    { input: { ids: [randomUUID()], reasonCode: "no_such_reason" }, message: /no longer offered/ },
    { input: { ids: [randomUUID()], reasonCode: "Not A Code!" }, message: /Choose a reason/ },
  ])("a rejection with $input.reasonCode and no fitting words is refused: $message", async ({ input, message }) => {
    const result = await actions.rejectRecommendationsAction(input);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(message) });
  });

  test("select all matching snapshots the pending call recommendations with their totals; approving and undoing them moves the slots confirmed and back to held", async () => {
    const selection = await actions.selectMatchingReviewsAction({ filter: { treatment: "retention_call" } });
    expect(selection.ok).toBe(true);
    if (!selection.ok) return;
    const pendingCalls = (await pool.query(`SELECT count(*)::int AS n FROM "Recommendation" WHERE status = 'pending_review' AND "treatmentKey" = 'retention_call'`)).rows[0].n;
    expect(selection.data).toMatchObject({ count: pendingCalls, isTooMany: false, capacity: [{ resourceKey: "call_slots", units: pendingCalls }] });
    const before = await counters();
    const approved = await actions.approveRecommendationsAction({ ids: selection.data.ids });
    expect(approved).toMatchObject({ ok: true, data: { done: selection.data.ids } });
    expect(await counters()).toEqual({ used: before.used, held: before.held - pendingCalls });
    const undone = await actions.undoReviewsAction({ ids: selection.data.ids });
    expect(undone).toEqual({ ok: true, data: { undone: selection.data.ids, refused: [], message: `Undid ${pendingCalls}` } });
    expect(await counters()).toEqual(before);
  });

  test.each([
    { input: { filter: { tier: "gold" } }, action: "selectMatchingReviewsAction" as const, message: /tier/ },
    { input: { filter: { treatment: "x", unknown: 1 } }, action: "selectMatchingReviewsAction" as const, message: /unknown|Unrecognized/i },
    { input: { ids: [] }, action: "undoReviewsAction" as const, message: /at least one/ },
    { input: { ids: ["x"] }, action: "undoReviewsAction" as const, message: /Not a recommendation id/ },
  ])("$action refuses $input: $message", async ({ input, action, message }) => {
    const result = await actions[action](input);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(message) });
  });
});
