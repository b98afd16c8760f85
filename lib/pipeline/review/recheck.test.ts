// Approvals and overrides check again, in their own transaction, what the decision depended on:
// consent, whether the treatment is still active, eligibility and the contact policy. A refusal
// names the rule and changes nothing; the others of a bulk approval go through.
import { beforeEach, describe, expect, test } from "vitest";
import { formatPolicyDay } from "../../agents/rules/contact-policy";
import { AppError } from "../../errors";
import { updateContactPolicyRule } from "../contact-policy";
import type { ReviewAction } from "../review";
import { createRun } from "../runs";
import { insertCatalog } from "../testing/fixtures";
import { type PendingRecommendation, newCustomers, overrideChoicesOf, reviewAs, reviewDatabasePerTest, runPipeline } from "./test-fixture";

const DAY_MS = 86_400_000;
const t = reviewDatabasePerTest({ poolSize: 8 });
beforeEach(() => insertCatalog(t.url, { limits: { call_slots: 10, sms_quota: 1000 } }));

const manager = { id: null, label: "Maya Patel (manager)", role: "manager" as const };

const review = (ids: string[], action: ReviewAction) => reviewAs(t.pool, { id: null, label: "Test reviewer" }, ids, action);

/** Runs the deterministic pipeline over `customerIds`; answers each customer's pending recommendation. */
async function run(customerIds: string[]): Promise<Map<string, PendingRecommendation>> {
  return new Map((await runPipeline(t.pool, customerIds)).pending.map((r) => [r.customerId, r]));
}

/** Everything an approval could change: the recommendation, its allocation history and the counters. */
async function snapshot(recommendationId: string) {
  const rec = (await t.pool.query(`SELECT status::text, "treatmentKey", "reviewedAt" FROM "Recommendation" WHERE id = $1`, [recommendationId])).rows[0];
  const history = (await t.pool.query(`SELECT "resourceKey", outcome::text FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [recommendationId])).rows;
  const counters = (await t.pool.query(`SELECT key, used, held FROM "ResourceConstraint" ORDER BY key`)).rows;
  return { rec, history, counters };
}

describe("a run right after an approval", () => {
  test("does not recommend the approved treatment while its cooldown lasts, and its fate says until when", async () => {
    const [customer] = await newCustomers(t.url, { count: 1 });
    const first = (await run([customer!])).get(customer!)!;
    expect(first.treatmentKey).toBe("retention_call");
    expect(await review([first.id], { kind: "approve" })).toEqual({ done: [first.id], skipped: [] });
    const { reviewedAt } = (await t.pool.query<{ reviewedAt: Date }>(`SELECT "reviewedAt" FROM "Recommendation" WHERE id = $1`, [first.id])).rows[0]!;

    const again = (await run([customer!])).get(customer!)!;
    expect(again.treatmentKey).not.toBe("retention_call");
    const fate = again.fates?.find((f) => f.treatmentKey === "retention_call");
    const until = new Date(reviewedAt.getTime() + 30 * DAY_MS);
    expect(fate).toMatchObject({ fate: "excluded", rule: "approval_cooldown", until: until.toISOString() });
    expect(fate?.fate === "excluded" && fate.reason).toContain(`cooldown until ${formatPolicyDay(until.getTime(), Date.now())} after an approval`);
    expect(again.fates?.map((f) => f.treatmentKey).sort()).toEqual(["ignore", "retention_call", "retention_email", "retention_sms"]);
  });


  test("a decline recorded as the outcome of an approved decision keeps the treatment out for 90 days", async () => {
    const [customer] = await newCustomers(t.url, { count: 1 });
    const first = (await run([customer!])).get(customer!)!;
    await review([first.id], { kind: "approve" });
    const recordedAt = new Date(Date.now() - 60 * DAY_MS);
    // The approval itself is older than its 30-day cooldown; only the decline still holds.
    await t.pool.query(`UPDATE "Recommendation" SET "reviewedAt" = $2 WHERE id = $1`, [first.id, new Date(recordedAt.getTime() - DAY_MS)]);
    await t.pool.query(
      `INSERT INTO "Outcome" (id, "recommendationId", "contactMade", response, source, "recordedAt", "updatedAt") VALUES (gen_random_uuid(), $1, true, 'declined', 'import', $2, now())`,
      [first.id, recordedAt],
    );
    const again = (await run([customer!])).get(customer!)!;
    expect(again.treatmentKey).not.toBe(first.treatmentKey);
    expect(again.fates?.find((f) => f.treatmentKey === first.treatmentKey)).toMatchObject({ fate: "excluded", rule: "decline_cooldown", until: new Date(recordedAt.getTime() + 90 * DAY_MS).toISOString() });
  });
});

describe("approval re-checks", () => {
  const yesterday = () => new Date(Date.now() - DAY_MS);

  test.each<[string, (customerId: string) => Promise<void>, (customerId: string) => string]>([
    [
      "after the customer withdrew call marketing consent",
      async (customerId) => {
        await t.pool.query(`UPDATE "ContactPermission" SET marketing = false, "updatedAt" = $2 WHERE "customerId" = $1 AND channel = 'call'`, [customerId, yesterday()]);
      },
      () => `Retention call: Call marketing consent was withdrawn on ${formatPolicyDay(yesterday().getTime(), Date.now())}`,
    ],
    [
      "after the treatment was deactivated in the catalog",
      async () => {
        await t.pool.query(`UPDATE "Treatment" SET "isActive" = false WHERE key = 'retention_call'`);
      },
      () => "Retention call is no longer active in the catalog",
    ],
    [
      "after the call limit was reached by another approval",
      async (customerId) => {
        // Approved from an earlier run while this one waited.
        const other = await createRun(t.pool, { scope: { customerIds: [customerId] }, policy: "rules" });
        await t.pool.query(
          `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "reviewedAt", "updatedAt")
           VALUES (gen_random_uuid(), $1, $2, 'approved', 'retention_call', 'rules', 'earlier', 0.5, 10, 'Call marketing allowed', $3, now())`,
          [other.runId, customerId, yesterday()],
        );
      },
      () => `Retention call: contact policy: cooldown until`,
    ],
  ])("is refused %s, leaving the recommendation pending with its hold, the rule named", async (_title, change, reason) => {
    const [customer] = await newCustomers(t.url, { count: 1 });
    const pending = (await run([customer!])).get(customer!)!;
    await change(customer!);
    const before = await snapshot(pending.id);

    const outcome = await review([pending.id], { kind: "approve" });
    expect(outcome.done).toEqual([]);
    expect(outcome.skipped).toEqual([{ recommendationId: pending.id, reason: expect.stringContaining(reason(customer!)) }]);
    expect(await snapshot(pending.id)).toEqual(before);
    expect(before.history).toEqual([{ resourceKey: "call_slots", outcome: "held" }]);
  });

  test("a limit a manager lowers after the decision applies to its approval: the 7-day limit on all channels reached by an earlier approval", async () => {
    const [customer] = await newCustomers(t.url, { count: 1, channels: ["sms", "email"] });
    const first = (await run([customer!])).get(customer!)!;
    await review([first.id], { kind: "approve" });
    const second = (await run([customer!])).get(customer!)!;
    expect(second.treatmentKey).not.toBe(first.treatmentKey);
    await updateContactPolicyRule(t.pool, { actor: manager, input: { key: "overall_limit", isEnabled: true, maxCount: 1, windowDays: 7 } });
    const before = await snapshot(second.id);

    const outcome = await review([second.id], { kind: "approve" });
    expect(outcome.skipped[0]?.reason).toMatch(/: contact policy: the 7-day limit of 1 contact on all channels was reached on \d+ \w{3}; no contact until \d+ \w{3}$/);
    expect(await snapshot(second.id)).toEqual(before);
    // The change never touched the approval made before it.
    expect((await t.pool.query(`SELECT status::text FROM "Recommendation" WHERE id = $1`, [first.id])).rows[0].status).toBe("approved");
  });

  test("bulk approval reports each refusal and approves the others", async () => {
    const customers = await newCustomers(t.url, { count: 4 });
    const pending = await run(customers);
    const ids = customers.map((c) => pending.get(c)!.id);
    await t.pool.query(`UPDATE "ContactPermission" SET marketing = false WHERE "customerId" = ANY($1) AND channel = 'call'`, [[customers[1], customers[3]]]);

    const outcome = await review(ids, { kind: "approve" });
    expect(outcome.done).toEqual([ids[0], ids[2]]);
    expect(outcome.skipped).toEqual([
      { recommendationId: ids[1], reason: expect.stringMatching(/^Retention call: Call marketing consent was withdrawn on /) },
      { recommendationId: ids[3], reason: expect.stringMatching(/^Retention call: Call marketing consent was withdrawn on /) },
    ]);
    const statuses = (await t.pool.query(`SELECT id, status::text FROM "Recommendation" WHERE id = ANY($1::uuid[])`, [ids])).rows;
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({ [ids[0]!]: "approved", [ids[1]!]: "pending_review", [ids[2]!]: "approved", [ids[3]!]: "pending_review" });
  });
});

describe("override re-checks and choices", () => {
  test("an override to a treatment in its cooldown is refused naming the rule; the dialog lists it disabled with that reason", async () => {
    const [customer] = await newCustomers(t.url, { count: 1, channels: ["sms", "email"] });
    const first = (await run([customer!])).get(customer!)!;
    expect(first.treatmentKey).toBe("retention_sms");
    await review([first.id], { kind: "approve" });
    const second = (await run([customer!])).get(customer!)!;
    const before = await snapshot(second.id);

    const error = await review([second.id], { kind: "override", treatmentKey: "retention_sms", reason: "Prefers texts" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).userMessage).toMatch(/^Not overridden: Retention SMS: contact policy: cooldown until \d+ \w{3} after an approval on \d+ \w{3} \(30-day wait between approvals\)/);
    expect(await snapshot(second.id)).toEqual(before);

    const choices = await overrideChoicesOf(t.pool, second.id);
    expect(choices?.options.map((o) => o.treatmentKey)).not.toContain("retention_sms");
    expect(choices?.excluded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ treatmentKey: "retention_sms", rule: "approval_cooldown", reason: expect.stringContaining("cooldown until") }),
        expect.objectContaining({ treatmentKey: "retention_call", rule: "consent", reason: "no consent recorded for call marketing" }),
      ]),
    );
  });
});
