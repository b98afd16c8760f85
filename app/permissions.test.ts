// Who may do what, checked where it matters: every mutating server action and route handler is
// called directly (no UI) as each role and signed out. Exactly the allowed ones succeed, each with
// its audit entry; a refused one leaves every table exactly as it was.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type Actor, PERMISSIONS, type Permission, ROLES, type Role, SIGN_IN_REQUIRED, can } from "@/lib/auth/roles";
import { demoActor } from "@/lib/auth/testing";
import { type Worker, startWorker } from "@/lib/jobs/worker";
import { waitForBackgroundRuns } from "@/lib/pipeline/launch";
import { createRun } from "@/lib/pipeline/runs";
import { type Harness, auditCount, createHarness, fingerprint, takePending } from "./testing/harness";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
const acting: { actor: Actor | null } = { actor: null };
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => acting.actor }));
// The real reset, at the size of this file's data: who may reset is the question here, and a
// reseed of the full demo (app/demo/actions.test.ts proves its size) would take most of the file's time.
vi.mock("@/lib/demo/reset", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/demo/reset")>();
  return { ...real, resetDemo: (opts: Parameters<typeof real.resetDemo>[0]) => real.resetDemo({ ...opts, customers: 40 }) };
});

let h: Harness;
let pool: pg.Pool;
let a: {
  review: typeof import("./review/actions");
  constraints: typeof import("./constraints/actions");
  runs: typeof import("./runs/actions");
  customer: typeof import("./customers/[id]/actions");
  treatments: typeof import("./treatments/actions");
  users: typeof import("./users/actions");
  demo: typeof import("./demo/actions");
};
let routes: { constraints: typeof import("./api/constraints/route"); runs: typeof import("./api/runs/route") };
const used = new Set<string>();
let runCustomer = 0;
let worker: Worker;

beforeAll(async () => {
  h = await createHarness({ customers: 60 });
  pool = h.pool;
  process.env.DATABASE_URL = h.db.url;
  process.env.DEMO_MODE = "true";
  delete process.env.OPENAI_API_KEY;
  a = {
    review: await import("./review/actions"),
    constraints: await import("./constraints/actions"),
    runs: await import("./runs/actions"),
    customer: await import("./customers/[id]/actions"),
    treatments: await import("./treatments/actions"),
    users: await import("./users/actions"),
    demo: await import("./demo/actions"),
  };
  routes = { constraints: await import("./api/constraints/route"), runs: await import("./api/runs/route") };
  // The app only enqueues runs; a worker runs them, here in the test's process.
  worker = await startWorker({ pool, model: null, expireInSeconds: 30, log: () => {} });
}, 120_000);
afterAll(async () => {
  await waitForBackgroundRuns();
  await worker.stop();
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await pool.end();
  await h.db.drop();
});

type Result = { ok: boolean; message?: string };
type Case = {
  name: string;
  permission: Permission;
  /** Audit entries (with these actions) an allowed call writes. */
  audits: string[];
  /** Prepares whatever the call needs (before the fingerprint) and makes the call. */
  prepare: (role: Role | null) => Promise<() => Promise<Result>>;
};

const periodStart = async (key: string) =>
  ((await pool.query<{ p: Date }>(`SELECT "periodStart" AS p FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0]!.p).toISOString();
const limitOf = async (key: string) => Number((await pool.query(`SELECT "limit" FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0].limit);
const priorityOf = async (key: string) => Number((await pool.query(`SELECT priority FROM "Treatment" WHERE key = $1`, [key])).rows[0].priority);
const uniqueEmail = (role: Role | null) => `new.${role ?? "nobody"}.${Math.random().toString(36).slice(2, 8)}@example.test`;

async function newUser(): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES (gen_random_uuid(), $1, 'Pat Example', 'viewer', now()) RETURNING id`,
    [uniqueEmail(null)],
  );
  return rows[0]!.id;
}

const cases: Case[] = [
  {
    name: "startRunAction",
    permission: "runs.start",
    audits: ["run.start"],
    prepare: async () => {
      const customerId = h.customerIds[h.customerIds.length - 1 - runCustomer++]!;
      return () => a.runs.startRunAction({ scope: { customerIds: [customerId] }, policy: "rules" });
    },
  },
  {
    name: "runCustomerPipelineAction",
    permission: "runs.start",
    audits: ["run.start"],
    prepare: async () => {
      const customerId = h.customerIds[h.customerIds.length - 1 - runCustomer++]!;
      return () => a.customer.runCustomerPipelineAction({ customerId, policy: "rules" });
    },
  },
  {
    name: "runAgainAction",
    permission: "runs.start",
    audits: ["run.start"],
    prepare: async () => {
      const customerId = h.customerIds[h.customerIds.length - 1 - runCustomer++]!;
      const { runId } = await createRun(pool, { scope: { customerIds: [customerId] }, policy: "rules" });
      await pool.query(`UPDATE "Run" SET status = 'failed', error = 'The database went away.', "finishedAt" = now() WHERE id = $1`, [runId]);
      return () => a.runs.runAgainAction({ runId });
    },
  },
  {
    name: "cancelRunAction",
    permission: "runs.cancel",
    audits: ["run.cancel_requested"],
    prepare: async () => {
      const { runId } = await createRun(pool, { scope: { limit: 1 }, policy: "rules" });
      return () => a.runs.cancelRunAction({ runId });
    },
  },
  {
    name: "approveRecommendationsAction",
    permission: "recommendations.review",
    audits: ["recommendation.approve"],
    prepare: async () => {
      const ids = await takePending(pool, used, 1);
      return () => a.review.approveRecommendationsAction({ ids });
    },
  },
  {
    name: "rejectRecommendationsAction",
    permission: "recommendations.review",
    audits: ["recommendation.reject"],
    prepare: async () => {
      const ids = await takePending(pool, used, 1);
      return () => a.review.rejectRecommendationsAction({ ids, reason: "Not a fit this month" });
    },
  },
  {
    name: "overrideRecommendationAction",
    permission: "recommendations.review",
    audits: ["recommendation.override"],
    prepare: async () => {
      const [id] = await takePending(pool, used, 1);
      return () => a.review.overrideRecommendationAction({ id, treatmentKey: "retention_email", reason: "Prefers email this month" });
    },
  },
  {
    name: "listOverrideChoicesAction (a read that reviewers only need)",
    permission: "recommendations.review",
    audits: [],
    prepare: async () => {
      const [id] = await takePending(pool, used, 1);
      return () => a.review.listOverrideChoicesAction({ id });
    },
  },
  {
    name: "updateConstraintAction",
    permission: "constraints.manage",
    audits: ["constraint.update"],
    prepare: async () => {
      const limit = (await limitOf("sms_quota")) + 1;
      return () => a.constraints.updateConstraintAction({ resourceKey: "sms_quota", limit, reservedHighValue: 5, reason: "Campaign week" });
    },
  },
  {
    name: "resetConstraintPeriodAction",
    permission: "constraints.manage",
    audits: ["constraint.reset_period"],
    prepare: async () => {
      const expectedPeriodStart = await periodStart("sms_quota");
      return () => a.constraints.resetConstraintPeriodAction({ resourceKey: "sms_quota", expectedPeriodStart });
    },
  },
  {
    name: "updateTreatmentAction",
    permission: "catalog.manage",
    audits: ["treatment.update"],
    prepare: async () => {
      const priority = (await priorityOf("retention_email")) + 1;
      return () =>
        a.treatments.updateTreatmentAction({
          key: "retention_email",
          name: "Retention email",
          description: "A retention offer by email",
          costPerContact: 0.25,
          priority,
          expectedEffect: 0.05,
          isActive: true,
        });
    },
  },
  {
    name: "createUserAction",
    permission: "users.manage",
    audits: ["user.create"],
    prepare: async (role) => {
      const email = uniqueEmail(role);
      return () => a.users.createUserAction({ email, name: "Robin Example", role: "marketer", password: "a-long-enough-password" });
    },
  },
  {
    name: "updateUserAction",
    permission: "users.manage",
    audits: ["user.update"],
    prepare: async () => {
      const id = await newUser();
      return () => a.users.updateUserAction({ id, name: "Pat Example", role: "marketer", isActive: true });
    },
  },
  {
    name: "resetUserPasswordAction",
    permission: "users.manage",
    audits: ["user.password_reset"],
    prepare: async () => {
      const id = await newUser();
      return () => a.users.resetUserPasswordAction({ id, password: "another-long-password" });
    },
  },
];

const who = (role: Role | null) => role ?? "signed out";
const actorOf = (role: Role | null): Actor | null => (role ? demoActor(role) : null);

describe.each(cases)("$name", (c) => {
  test.each<Role | null>([null, ...ROLES])("as %s", async (role) => {
    const call = await c.prepare(role);
    await waitForBackgroundRuns();
    const before = await fingerprint(pool);
    const auditsBefore = await auditCount(pool);
    acting.actor = actorOf(role);
    let result: Result;
    try {
      result = await call();
    } finally {
      acting.actor = null;
    }
    await waitForBackgroundRuns();

    if (role && can(role, c.permission)) {
      expect(result.ok ? "ok" : result.message, `${c.name} as ${who(role)}`).toBe("ok");
      const { rows } = await pool.query<{ action: string; actorId: string | null; actorLabel: string }>(
        `SELECT action, "actorId", "actorLabel" FROM "AuditLog" ORDER BY id DESC LIMIT $1`,
        [c.audits.length],
      );
      expect(await auditCount(pool)).toBe(auditsBefore + c.audits.length);
      expect(rows.map((r) => r.action).sort()).toEqual([...c.audits].sort());
      for (const r of rows) expect(r).toMatchObject({ actorId: actorOf(role)!.id, actorLabel: actorOf(role)!.label });
      if (c.audits.length === 0) expect(await fingerprint(pool)).toEqual(before);
    } else {
      expect(result).toEqual({ ok: false, message: role ? PERMISSIONS[c.permission].refusal : SIGN_IN_REQUIRED });
      expect(await fingerprint(pool)).toEqual(before);
    }
  });
});

describe("resetDemoAction", () => {
  // Last: an allowed reset replaces the data every other case uses.
  test.each<Role | null>([null, "viewer", "marketer"])("as %s is refused and changes nothing", async (role) => {
    const before = await fingerprint(pool);
    acting.actor = actorOf(role);
    const result = await a.demo.resetDemoAction({ confirmation: "reset" });
    acting.actor = null;
    expect(result).toEqual({ ok: false, message: role ? PERMISSIONS["demo.reset"].refusal : SIGN_IN_REQUIRED });
    expect(await fingerprint(pool)).toEqual(before);
  });

  test.each<Role>(["manager", "admin"])("as %s reseeds and records one entry in the same transaction", async (role) => {
    // The queued runs of the cancel cases would (rightly) make the reset wait.
    await pool.query(`UPDATE "Run" SET status = 'cancelled', "finishedAt" = now() WHERE status IN ('queued', 'running')`);
    acting.actor = actorOf(role);
    const result = await a.demo.resetDemoAction({ confirmation: "reset" });
    acting.actor = null;
    expect(result.ok ? "ok" : result.message).toBe("ok");
    // The reset's own entry, once; the demo's weeks of history that follow write the entries of their own runs and reviews.
    const { rows } = await pool.query(`SELECT action, "actorId" FROM "AuditLog" WHERE action = 'demo.reset'`);
    expect(rows).toEqual([{ action: "demo.reset", actorId: actorOf(role)!.id }]);
    const { rows: first } = await pool.query(`SELECT action FROM "AuditLog" ORDER BY "createdAt", id LIMIT 1`);
    expect(first).toEqual([{ action: "demo.reset" }]);
  }, 120_000);
});

describe("route handlers", () => {
  const handlers = [
    { name: "GET /api/constraints", call: () => routes.constraints.GET() },
    { name: "GET /api/runs", call: () => routes.runs.GET(new Request("http://localhost/api/runs?page=1")) },
  ];
  describe.each(handlers)("$name", (r) => {
    test("signed out: 401 with a message, nothing read", async () => {
      acting.actor = null;
      const res = await r.call();
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: SIGN_IN_REQUIRED });
    });
    test.each(ROLES)("as %s: 200 (every role reads)", async (role) => {
      acting.actor = actorOf(role);
      const res = await r.call();
      acting.actor = null;
      expect(res.status).toBe(200);
    });
  });
});
