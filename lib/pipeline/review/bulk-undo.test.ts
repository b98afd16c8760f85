import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { selectMatchingReviews } from "../../queries/recommendations";
import { PAGE_SIZE } from "../../queries/pagination";
import type { ReviewAction, Reviewer } from "../review";
import { insertCatalog } from "../testing/fixtures";
import { reviewInBatches } from "./bulk";
import { countersOf, newCustomers, reviewAs, reviewDatabasePerTest, runPipeline } from "./test-fixture";
import { undoReviews } from "./undo";

const t = reviewDatabasePerTest({ poolSize: 6 });

const marketer = { id: randomUUID(), label: "Amira Khan (marketer)" };
const otherMarketer = { id: randomUUID(), label: "Jack Jones (marketer)" };
const manager = { id: randomUUID(), label: "Grace Hopper (manager)" };

async function insertUsers() {
  for (const [u, role] of [[marketer, "marketer"], [otherMarketer, "marketer"], [manager, "manager"]] as const) {
    await t.pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, `${u.id}@example.test`, u.label, role]);
  }
}

const review = (ids: string[], action: ReviewAction, reviewer: Reviewer = marketer) => reviewAs(t.pool, reviewer, ids, action);

/** Runs the pipeline over new customers (`prefix`) with the given consent; returns their pending recommendation ids by treatment. */
async function run(opts: { count: number; prefix: string; channels?: string[] }) {
  const { pending } = await runPipeline(t.pool, await newCustomers(t.url, opts));
  return { calls: pending.filter((r) => r.treatmentKey === "retention_call").map((r) => r.id), others: pending.filter((r) => r.treatmentKey !== "retention_call").map((r) => r.id) };
}

const counters = (key: string) => countersOf(t.pool, key);
const statuses = async (ids: string[]) => {
  const { rows } = await t.pool.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "Recommendation" WHERE id = ANY($1::uuid[]) GROUP BY status`, [ids]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

describe("select all matching", () => {
  test("confirms exactly the filtered set across pages: not the other treatment, not what a later run added", async () => {
    await insertCatalog(t.url, { limits: { call_slots: 200 } });
    await insertUsers();
    const first = await run({ count: PAGE_SIZE + 15, prefix: "A" });
    const smsOnly = await run({ count: 4, prefix: "S", channels: ["sms"] });
    expect(first.calls.length).toBeGreaterThan(PAGE_SIZE);

    const selection = await selectMatchingReviews(t.prisma, { treatment: "retention_call" }, { max: 10_000 });
    expect([...selection.ids].sort()).toEqual([...first.calls].sort());
    expect(selection.capacity).toEqual([{ resourceKey: "call_slots", name: "Call-centre slots", unit: "contacts", units: first.calls.length, recommendations: first.calls.length }]);
    const later = await run({ count: 3, prefix: "L" });

    const progress: number[] = [];
    const outcome = await reviewInBatches({ ids: selection.ids, batchSize: 20, reviewBatch: (ids) => review(ids, { kind: "approve" }), onProgress: (p) => progress.push(p.finished) });
    expect(outcome.done).toHaveLength(first.calls.length);
    expect(progress.at(-1)).toBe(first.calls.length);
    expect(progress.length).toBe(Math.ceil(first.calls.length / 20));
    expect(await statuses(first.calls)).toEqual({ approved: first.calls.length });
    expect(await statuses([...smsOnly.calls, ...smsOnly.others, ...later.calls, ...later.others])).toEqual({ pending_review: smsOnly.others.length + later.calls.length + later.others.length });
  });

  test.each([
    { max: 2, isTooMany: true, ids: 0 },
    { max: 3, isTooMany: false, ids: 3 },
  ])("a selection of 3 matching with room for $max holds $ids ids", async ({ max, isTooMany, ids }) => {
    await insertCatalog(t.url);
    await run({ count: 3, prefix: "A" });
    const selection = await selectMatchingReviews(t.prisma, {}, { max });
    expect(selection).toMatchObject({ count: 3, isTooMany });
    expect(selection.ids).toHaveLength(ids);
  });
});

test("a refusal in the middle of a bulk approval leaves the others approved and says why", async () => {
  await insertCatalog(t.url, { limits: { call_slots: 20 } });
  await insertUsers();
  const { calls } = await run({ count: 7, prefix: "A" });
  const middle = calls[3]!;
  await t.pool.query(
    `UPDATE "ContactPermission" SET marketing = false WHERE channel = 'call' AND "customerId" = (SELECT "customerId" FROM "Recommendation" WHERE id = $1)`,
    [middle],
  );
  const outcome = await reviewInBatches({ ids: calls, batchSize: 3, reviewBatch: (ids) => review(ids, { kind: "approve" }) });
  expect(outcome.done).toEqual(calls.filter((id) => id !== middle));
  expect(outcome.skipped).toEqual([{ recommendationId: middle, reason: expect.stringMatching(/^Retention call: Call marketing consent was withdrawn on /) }]);
  expect(await statuses(calls)).toEqual({ approved: calls.length - 1, pending_review: 1 });
});

describe("undo", () => {
  const windowMinutes = 10;
  const reviewedAt = async (id: string) => (await t.pool.query<{ reviewedAt: Date }>(`SELECT "reviewedAt" FROM "Recommendation" WHERE id = $1`, [id])).rows[0]!.reviewedAt;

  test("undoing an approval returns it to pending and its slot from confirmed to held, with a history row and an audit entry", async () => {
    await insertCatalog(t.url, { limits: { call_slots: 10 } });
    await insertUsers();
    const { calls } = await run({ count: 3, prefix: "A" });
    await review(calls, { kind: "approve" });
    expect(await counters("call_slots")).toMatchObject({ used: 3, held: 0 });

    const outcome = await undoReviews({ pool: t.pool, recommendationIds: [calls[1]!], actor: { ...marketer, isManager: false }, windowMinutes });
    expect(outcome).toEqual({ undone: [calls[1]], refused: [] });
    expect(await counters("call_slots")).toMatchObject({ used: 3, held: 1 });
    const rec = (await t.pool.query(`SELECT status::text, "reviewedById", "reviewedAt" FROM "Recommendation" WHERE id = $1`, [calls[1]])).rows[0];
    expect(rec).toEqual({ status: "pending_review", reviewedById: null, reviewedAt: null });
    const history = (await t.pool.query(`SELECT outcome::text, units, reason FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [calls[1]])).rows;
    expect(history.map((h) => h.outcome)).toEqual(["held", "confirmed", "held"]);
    expect(history.at(-1)).toMatchObject({ units: 1, reason: `Approval undone by ${marketer.label}` });
    const audit = (await t.pool.query(`SELECT "actorId", before, after FROM "AuditLog" WHERE action = 'recommendation.undo' AND "entityId" = $1`, [calls[1]])).rows;
    expect(audit).toEqual([{ actorId: marketer.id, before: expect.objectContaining({ status: "approved" }), after: { status: "pending_review", treatmentKey: "retention_call" } }]);
    // Back in the queue, it can be approved again and confirms its hold once more.
    expect((await review([calls[1]!], { kind: "approve" })).done).toEqual([calls[1]]);
    expect(await counters("call_slots")).toMatchObject({ used: 3, held: 0 });
  });

  test("undoing a rejection takes its slot back; undoing an override restores the first treatment and its hold", async () => {
    await insertCatalog(t.url, { limits: { call_slots: 10 } });
    await insertUsers();
    const { calls } = await run({ count: 2, prefix: "A" });
    await review([calls[0]!], { kind: "reject", reason: "Called last week", reasonCode: "contacted_recently" });
    await review([calls[1]!], { kind: "override", treatmentKey: "retention_sms", reason: "Prefers texts" });
    expect(await counters("call_slots")).toMatchObject({ used: 0, held: 0 });
    expect(await counters("sms_quota")).toMatchObject({ used: 1, held: 0 });

    const outcome = await undoReviews({ pool: t.pool, recommendationIds: calls, actor: { ...marketer, isManager: false }, windowMinutes });
    expect(outcome.undone).toEqual(calls);
    expect(await counters("call_slots")).toMatchObject({ used: 2, held: 2 });
    expect(await counters("sms_quota")).toMatchObject({ used: 0, held: 0 });
    const recs = (await t.pool.query(`SELECT status::text, "treatmentKey", "overriddenFrom", "reviewReasonCode" FROM "Recommendation" WHERE id = ANY($1::uuid[])`, [calls])).rows;
    expect(recs).toEqual([
      { status: "pending_review", treatmentKey: "retention_call", overriddenFrom: null, reviewReasonCode: null },
      { status: "pending_review", treatmentKey: "retention_call", overriddenFrom: null, reviewReasonCode: null },
    ]);
  });

  test.each([
    { title: "is refused once the 10-minute window has passed", minutesLater: 10.5, actor: "reviewer", contact: false, reason: /^Too late to undo: the 10-minute window closed at \d\d:\d\d UTC$/ },
    { title: "is allowed just inside the window", minutesLater: 9.5, actor: "reviewer", contact: false, reason: null },
    { title: "is refused to another marketer", minutesLater: 1, actor: "other", contact: false, reason: /^Only the person who reviewed it or a manager can undo it$/ },
    { title: "is allowed to a manager", minutesLater: 1, actor: "manager", contact: false, reason: null },
    { title: "is refused once the contact was made", minutesLater: 1, actor: "reviewer", contact: true, reason: /^The customer has already been contacted$/ },
  ])("an undo $title", async ({ minutesLater, actor, contact, reason }) => {
    await insertCatalog(t.url, { limits: { call_slots: 10 } });
    await insertUsers();
    const { calls } = await run({ count: 1, prefix: "A" });
    const id = calls[0]!;
    await review([id], { kind: "approve" });
    if (contact) {
      await t.pool.query(`INSERT INTO "Outcome" (id, "recommendationId", "contactMade", response, source, "recordedAt", "updatedAt") VALUES ($1, $2, true, 'accepted', 'import', now(), now())`, [randomUUID(), id]);
    }
    const before = await counters("call_slots");
    const now = new Date((await reviewedAt(id)).getTime() + minutesLater * 60_000);
    const who = actor === "reviewer" ? { ...marketer, isManager: false } : actor === "other" ? { ...otherMarketer, isManager: false } : { ...manager, isManager: true };
    const outcome = await undoReviews({ pool: t.pool, recommendationIds: [id], actor: who, windowMinutes, now });
    if (reason === null) {
      expect(outcome).toEqual({ undone: [id], refused: [] });
      return;
    }
    expect(outcome).toEqual({ undone: [], refused: [{ recommendationId: id, reason: expect.stringMatching(reason) }] });
    expect(await counters("call_slots")).toEqual(before);
    expect(await statuses([id])).toEqual({ approved: 1 });
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM "AuditLog" WHERE action = 'recommendation.undo'`)).rows[0].n).toBe(0);
  });

  test("is refused while a newer decision for the customer waits for review", async () => {
    await insertCatalog(t.url, { limits: { call_slots: 10 } });
    await insertUsers();
    const ids = await newCustomers(t.url, { count: 1, prefix: "N" });
    const approved = (await runPipeline(t.pool, ids)).pending[0]!.id;
    await review([approved], { kind: "approve" });
    await runPipeline(t.pool, ids);
    const outcome = await undoReviews({ pool: t.pool, recommendationIds: [approved], actor: { ...marketer, isManager: false }, windowMinutes });
    expect(outcome.refused).toEqual([{ recommendationId: approved, reason: "A newer recommendation for this customer is waiting for review" }]);
  });
});
