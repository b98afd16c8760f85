// The audit trail, mutation by mutation: each change through its server action writes exactly one
// entry per thing changed, naming who acted, with the right before and after (and never a password);
// the Audit screen's filters and the customer detail find them again.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { Actor } from "@/lib/auth/roles";
import { demoActor } from "@/lib/auth/testing";
import { waitForBackgroundRuns } from "@/lib/pipeline/launch";
import { createRun } from "@/lib/pipeline/runs";
import { type Harness, createHarness, takePending } from "./testing/harness";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
const acting: { actor: Actor | null } = { actor: null };
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => acting.actor }));

let h: Harness;
let pool: pg.Pool;
let prisma: import("@/lib/generated/prisma/client").PrismaClient;
let queries: typeof import("@/lib/queries/audit");
const used = new Set<string>();

type Entry = { action: string; entityType: string; entityId: string; actorId: string | null; actorLabel: string; before: unknown; after: unknown; reason: string | null };

/** The entries written by `fn`, oldest first. */
async function entriesOf(fn: () => Promise<{ ok: boolean; message?: string }>): Promise<Entry[]> {
  const { rows } = await pool.query<{ max: string | null }>(`SELECT max(id)::text AS max FROM "AuditLog"`);
  const result = await fn();
  await waitForBackgroundRuns();
  expect(result.ok ? "ok" : result.message).toBe("ok");
  return (
    await pool.query<Entry>(
      `SELECT action, "entityType", "entityId", "actorId", "actorLabel", before, after, reason FROM "AuditLog" WHERE id > $1 ORDER BY id`,
      [rows[0]?.max ?? "0"],
    )
  ).rows;
}

const by = (role: "marketer" | "manager" | "admin") => {
  const actor = demoActor(role);
  acting.actor = actor;
  return { actorId: actor.id, actorLabel: actor.label };
};

beforeAll(async () => {
  h = await createHarness({ customers: 20 });
  pool = h.pool;
  process.env.DATABASE_URL = h.db.url;
  process.env.DEMO_MODE = "true";
  delete process.env.OPENAI_API_KEY;
  ({ db: prisma } = await import("@/lib/db"));
  queries = await import("@/lib/queries/audit");
}, 120_000);
afterAll(async () => {
  await waitForBackgroundRuns();
  await prisma.$disconnect();
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await pool.end();
  await h.db.drop();
});

describe("one entry per mutation, with before and after", () => {
  test("approving two recommendations writes two entries, pending → approved", async () => {
    const { approveRecommendationsAction } = await import("./review/actions");
    const ids = await takePending(pool, used, 2);
    const keys = (await pool.query(`SELECT id, "treatmentKey" FROM "Recommendation" WHERE id = ANY($1)`, [ids])).rows as { id: string; treatmentKey: string }[];
    const who = by("marketer");
    const entries = await entriesOf(() => approveRecommendationsAction({ ids }));
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      const treatmentKey = keys.find((k) => k.id === e.entityId)!.treatmentKey;
      expect(e).toEqual({
        action: "recommendation.approve",
        entityType: "Recommendation",
        entityId: e.entityId,
        ...who,
        before: { status: "pending_review", treatmentKey },
        after: { status: "approved", treatmentKey },
        reason: null,
      });
    }
    expect(entries.map((e) => e.entityId).sort()).toEqual([...ids].sort());
  });

  test("an override records the treatment it replaced and the reason", async () => {
    const { overrideRecommendationAction } = await import("./review/actions");
    const [id] = await takePending(pool, used, 1);
    const before = (await pool.query(`SELECT "treatmentKey" FROM "Recommendation" WHERE id = $1`, [id])).rows[0].treatmentKey;
    const who = by("manager");
    const entries = await entriesOf(() => overrideRecommendationAction({ id, treatmentKey: "retention_email", reason: "Prefers email" }));
    expect(entries).toEqual([
      {
        action: "recommendation.override",
        entityType: "Recommendation",
        entityId: id,
        ...who,
        before: { status: "pending_review", treatmentKey: before },
        // Free words without a kept reason are filed under "other", so reasons can be counted.
        after: { status: "overridden", treatmentKey: "retention_email", reasonCode: "other" },
        reason: "Prefers email",
      },
    ]);
  });

  test("a limit change records the old and new limit and reserve", async () => {
    const { updateConstraintAction } = await import("./constraints/actions");
    const old = (await pool.query(`SELECT "limit", "reservedHighValue" FROM "ResourceConstraint" WHERE key = 'sms_quota'`)).rows[0];
    const who = by("manager");
    const entries = await entriesOf(() => updateConstraintAction({ resourceKey: "sms_quota", limit: 1500, reservedHighValue: 100, reason: "Campaign week" }));
    expect(entries).toEqual([
      {
        action: "constraint.update",
        entityType: "ResourceConstraint",
        entityId: "sms_quota",
        ...who,
        before: { limit: old.limit, reservedHighValue: old.reservedHighValue },
        after: { limit: 1500, reservedHighValue: 100 },
        reason: "Campaign week",
      },
    ]);
  });

  test("a period reset records what was confirmed and held before and after", async () => {
    const { resetConstraintPeriodAction } = await import("./constraints/actions");
    const row = (await pool.query(`SELECT "periodStart", used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0];
    const who = by("admin");
    const entries = await entriesOf(() => resetConstraintPeriodAction({ resourceKey: "call_slots", expectedPeriodStart: row.periodStart.toISOString() }));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "constraint.reset_period", entityId: "call_slots", ...who });
    expect(entries[0]!.before).toMatchObject({ used: row.used, held: row.held, confirmed: row.used - row.held });
    expect(entries[0]!.after).toMatchObject({ used: row.held, held: row.held, confirmed: 0 });
  });

  test("starting a run records its scope and size, not its customer list", async () => {
    const { startRunAction } = await import("./runs/actions");
    const who = by("marketer");
    const entries = await entriesOf(() => startRunAction({ scope: { limit: 3 }, policy: "rules" }));
    expect(entries).toEqual([
      { action: "run.start", entityType: "Run", entityId: entries[0]!.entityId, ...who, before: null, after: { status: "queued", policy: "rules", scope: { limit: 3 }, total: 3 }, reason: null },
    ]);
  });

  test("cancelling a run records the request", async () => {
    const { cancelRunAction } = await import("./runs/actions");
    const { runId } = await createRun(pool, { scope: { limit: 1 }, policy: "rules" });
    const who = by("marketer");
    const entries = await entriesOf(() => cancelRunAction({ runId }));
    expect(entries).toEqual([
      { action: "run.cancel_requested", entityType: "Run", entityId: runId, ...who, before: { status: "queued", cancelRequested: false }, after: { cancelRequested: true }, reason: null },
    ]);
    await pool.query(`UPDATE "Run" SET status = 'cancelled' WHERE id = $1`, [runId]);
  });

  test("a catalog edit records only the fields it changed", async () => {
    const { updateTreatmentAction } = await import("./treatments/actions");
    const who = by("manager");
    const entries = await entriesOf(() =>
      updateTreatmentAction({
        key: "retention_sms",
        name: "Retention SMS",
        description: "A retention offer by SMS",
        costPerContact: 0.75,
        priority: 2,
        expectedEffect: 0.1,
        isActive: true,
        reason: "New supplier price",
      }),
    );
    expect(entries).toEqual([
      {
        action: "treatment.update",
        entityType: "Treatment",
        entityId: "retention_sms",
        ...who,
        before: { costPerContact: 0.5, expectedEffect: 0.08 },
        after: { costPerContact: 0.75, expectedEffect: 0.1 },
        reason: "New supplier price",
      },
    ]);
  });

  test("adding a user, changing their role and setting a password: three entries, no password in any", async () => {
    const users = await import("./users/actions");
    const who = by("admin");
    const created = await entriesOf(() => users.createUserAction({ email: "Jo.Smith@Example.test", name: "Jo Smith", role: "viewer", password: "first-password-123" }));
    const id = created[0]!.entityId;
    expect(created).toEqual([
      { action: "user.create", entityType: "User", entityId: id, ...who, before: null, after: { email: "jo.smith@example.test", name: "Jo Smith", role: "viewer", isActive: true }, reason: null },
    ]);
    const changed = await entriesOf(() => users.updateUserAction({ id, name: "Jo Smith", role: "marketer", isActive: true }));
    expect(changed).toEqual([{ action: "user.update", entityType: "User", entityId: id, ...who, before: { role: "viewer" }, after: { role: "marketer" }, reason: null }]);
    const reset = await entriesOf(() => users.resetUserPasswordAction({ id, password: "second-password-456" }));
    expect(reset).toEqual([
      { action: "user.password_reset", entityType: "User", entityId: id, ...who, before: { password: "(previous)" }, after: { password: "(new)", sessionsEnded: 0 }, reason: null },
    ]);
    const hash = (await pool.query(`SELECT password FROM "Account" WHERE "userId" = $1`, [id])).rows[0].password as string;
    const trail = JSON.stringify((await pool.query(`SELECT before, after, reason FROM "AuditLog"`)).rows);
    for (const secret of ["first-password-123", "second-password-456", hash]) expect(trail).not.toContain(secret);
  });

  test("a change that changes nothing writes nothing", async () => {
    const { updateConstraintAction } = await import("./constraints/actions");
    by("manager");
    const before = (await pool.query(`SELECT count(*)::int AS n FROM "AuditLog"`)).rows[0].n;
    const result = await updateConstraintAction({ resourceKey: "sms_quota", limit: 1500, reservedHighValue: 100 });
    expect(result).toMatchObject({ ok: true, data: { isChanged: false } });
    expect((await pool.query(`SELECT count(*)::int AS n FROM "AuditLog"`)).rows[0].n).toBe(before);
  });
});

describe("finding entries again", () => {
  const page = (over: Record<string, unknown>) => ({ page: 1, problems: [], ...over });

  test.each([
    { title: "by action", filter: { action: "treatment.update" }, expected: ["treatment.update"] },
    { title: "by kind of thing", filter: { entity: "User" }, expected: ["user.create", "user.password_reset", "user.update"] },
    { title: "by id", filter: { id: "sms_quota" }, expected: ["constraint.update"] },
    { title: "by person", filter: { actor: demoActor("admin").id!, entity: "ResourceConstraint" }, expected: ["constraint.reset_period"] },
    { title: "by a day with no entries", filter: { from: "2001-01-01", to: "2001-01-02" }, expected: [] },
  ])("the Audit screen filters $title", async ({ filter, expected }) => {
    const result = await queries.listAuditEntries(prisma, page(filter));
    expect([...new Set(result.rows.map((r) => r.action))].sort()).toEqual(expected);
  });

  test("entries about recommendations name the customer they belong to", async () => {
    const rows = (await queries.listAuditEntries(prisma, page({ action: "recommendation.approve" }))).rows;
    expect(rows.length).toBe(2);
    for (const r of rows) {
      const owner = (await pool.query(`SELECT "customerId" FROM "Recommendation" WHERE id = $1`, [r.entityId])).rows[0].customerId;
      expect(r.customerId).toBe(owner);
    }
  });

  test("entries show field by field what changed", async () => {
    const [row] = (await queries.listAuditEntries(prisma, page({ action: "treatment.update" }))).rows;
    expect(row!.changes).toEqual([
      { field: "costPerContact", from: "0.5", to: "0.75" },
      { field: "expectedEffect", from: "0.08", to: "0.1" },
    ]);
  });

  test("the customer detail lists the reviews of that customer's recommendations only", async () => {
    const { rows } = await pool.query<{ customerId: string; id: string }>(
      `SELECT r."customerId", r.id FROM "AuditLog" a JOIN "Recommendation" r ON r.id = a."entityId"::uuid WHERE a.action = 'recommendation.override'`,
    );
    const [{ customerId, id }] = rows as [{ customerId: string; id: string }];
    const entries = await queries.listCustomerAudit(prisma, customerId);
    expect(entries.map((e) => [e.action, e.entityId])).toEqual([["recommendation.override", id]]);
    expect(await queries.listCustomerAudit(prisma, "NOBODY")).toEqual([]);
  });
});
