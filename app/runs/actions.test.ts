import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";
import { type Worker, startWorker } from "@/lib/jobs/worker";
import { waitForBackgroundRuns } from "@/lib/pipeline/launch";
import { DEMO_RESET_LOCK_KEY } from "@/lib/pipeline/runs";
import { insertCatalog, insertCustomers, insertPermissions } from "@/lib/pipeline/testing/fixtures";
import { DEMO_ACTOR } from "@/lib/auth/testing";
import { getCurrentActor } from "@/lib/session/actor";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
// The real actor, replaceable for one call to make the audit entry fail.
vi.mock("@/lib/session/actor", async () => {
  const { DEMO_ACTOR: actor } = await import("@/lib/auth/testing");
  return { getCurrentActor: vi.fn(async () => actor) };
});

let db: TestDatabase;
let pool: pg.Pool;
let startRunAction: typeof import("./actions").startRunAction;
let cancelRunAction: typeof import("./actions").cancelRunAction;
let runAgainAction: typeof import("./actions").runAgainAction;
let runCustomerPipelineAction: typeof import("../customers/[id]/actions").runCustomerPipelineAction;
/** The worker process a deployment runs beside the app, here in the test's process: the app only enqueues. */
let worker: Worker;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  const ids = await insertCustomers(db.url, { count: 30, highValueEvery: 3 });
  await insertPermissions(db.url, ids);
  pool = new pg.Pool({ connectionString: db.url });
  await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, 'manager@demo.cvm', 'Gareth Lloyd', 'manager', now())`, [DEMO_ACTOR.id]);
  // The actions read their settings from the environment on first use.
  process.env.DATABASE_URL = db.url;
  delete process.env.OPENAI_API_KEY;
  ({ startRunAction, cancelRunAction, runAgainAction } = await import("./actions"));
  ({ runCustomerPipelineAction } = await import("../customers/[id]/actions"));
  worker = await startWorker({ pool, model: null, expireInSeconds: 30, log: () => {} });
});
afterAll(async () => {
  await waitForBackgroundRuns();
  await worker.stop();
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await pool.end();
  await db.drop();
});

const count = async (sql: string) => Number((await pool.query(sql)).rows[0].n);

/** A run row in `status`, as a worker would have left it: over `scope` (everyone), with `policy` (the rules). */
async function insertRunRow(status: "queued" | "running" | "completed" | "cancelled" | "failed", opts: { scope?: object; policy?: "rules" | "llm"; cancelRequested?: boolean } = {}): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "Run" (id, status, policy, scope, total, "cancelRequested", "finishedAt")
     VALUES (gen_random_uuid(), $1::"RunStatus", $2::"PolicyKind", $3, 100, $4, CASE WHEN $1 IN ('queued', 'running') THEN NULL ELSE now() END) RETURNING id`,
    [status, opts.policy ?? "rules", JSON.stringify(opts.scope ?? {}), opts.cancelRequested ?? false],
  );
  return rows[0]!.id;
}

/** Expects `call` refused with a message matching `message`, and no run created. */
async function expectRefusedStartingNothing(call: () => Promise<{ ok: boolean; message?: string }>, message: RegExp) {
  const before = await count(`SELECT count(*) AS n FROM "Run"`);
  const result = await call();
  expect(result.ok).toBe(false);
  expect(result.message).toMatch(message);
  expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(before);
}

describe("startRunAction", () => {
  test("starts a run over a tier that finishes in the background with its summary", async () => {
    const result = await startRunAction({ scope: { valueTier: "premium" }, policy: "rules" });
    expect(result).toMatchObject({ ok: true, data: { total: 10, policy: "rules" } });
    await waitForBackgroundRuns();
    const run = (await pool.query(`SELECT status, processed, summary FROM "Run" WHERE id = $1`, [result.ok ? result.data.runId : ""])).rows[0];
    expect(run).toMatchObject({ status: "completed", processed: 10 });
    expect(run.summary.processed).toBe(10);
  });

  test("records the acting user as the one who requested the run", async () => {
    const result = await startRunAction({ scope: { limit: 1 }, policy: "rules" });
    await waitForBackgroundRuns();
    const run = (await pool.query(`SELECT "requestedById" FROM "Run" WHERE id = $1`, [result.ok ? result.data.runId : ""])).rows[0];
    expect(run.requestedById).toBe(DEMO_ACTOR.id);
  });

  test("a repeated submission with the same request key starts one run and answers the same", async () => {
    const before = await count(`SELECT count(*) AS n FROM "Run"`);
    const input = { scope: { limit: 2 }, policy: "rules", requestKey: "6f1c1d0e-6a43-4a4e-9d3a-8a3f0d1c2b11" };
    const [first, second] = await Promise.all([startRunAction(input), startRunAction(input)]);
    const third = await startRunAction(input);
    await waitForBackgroundRuns();
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(before + 1);
  });

  test("a new request key starts a new run", async () => {
    const before = await count(`SELECT count(*) AS n FROM "Run"`);
    await startRunAction({ scope: { limit: 1 }, policy: "rules", requestKey: "0b7c1f6e-1111-4222-8333-944455556666" });
    await startRunAction({ scope: { limit: 1 }, policy: "rules", requestKey: "0b7c1f6e-1111-4222-8333-944455556667" });
    await waitForBackgroundRuns();
    expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(before + 2);
  });

  test("refuses a request key that is not a UUID", async () => {
    const result = await startRunAction({ scope: { limit: 1 }, requestKey: "twice" });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/requestKey/) });
  });

  test.each([
    { input: null, message: /no fields/i },
    { input: { scope: { limit: 0 }, policy: "rules" }, message: /scope\.limit/ },
    { input: { scope: { limit: "ten" } }, message: /scope\.limit/ },
    { input: { scope: {}, policy: "magic" }, message: /policy/ },
    { input: { scope: { valueTier: "gold" } }, message: /valueTier/ },
    { input: { scope: { segment: "x".repeat(500) } }, message: /segment/ },
    { input: { scope: {}, extra: 1 }, message: /extra|unrecognized/i },
  ])("refuses $input with a clear message and creates no run", async ({ input, message }) => {
    await expectRefusedStartingNothing(() => startRunAction(input), message);
  });

  test("refuses the language-model policy when no model is configured", async () => {
    const result = await startRunAction({ scope: { limit: 2 }, policy: "llm" });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/OPENAI_API_KEY/) });
  });

  test("refuses while a demo reset holds its lock and creates no run", async () => {
    const reset = new pg.Client({ connectionString: db.url });
    await reset.connect();
    try {
      await reset.query(`SELECT pg_advisory_lock($1)`, [DEMO_RESET_LOCK_KEY]);
      const before = await count(`SELECT count(*) AS n FROM "Run"`);
      const result = await startRunAction({ scope: { limit: 1 }, policy: "rules" });
      expect(result).toEqual({ ok: false, message: "A demo reset is in progress; try again in a moment." });
      expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(before);
    } finally {
      await reset.end();
    }
  });

  test("refuses a selection that matches nobody", async () => {
    const result = await startRunAction({ scope: { segment: "nobody-here" } });
    expect(result).toEqual({ ok: false, message: "No customer matches this selection." });
  });
});

describe("cancelRunAction", () => {
  const audits = (runId: string) => count(`SELECT count(*) AS n FROM "AuditLog" WHERE "entityType" = 'Run' AND "entityId" = '${runId}'`);

  test.each(["queued", "running"] as const)("a %s run still deciding ends cancelled at once, and who asked is recorded", async (status) => {
    const runId = await insertRunRow(status);
    const result = await cancelRunAction({ runId });
    expect(result).toEqual({ ok: true, data: { runId, isAlreadyRequested: false } });
    const run = (await pool.query(`SELECT status, "cancelRequested" FROM "Run" WHERE id = $1`, [runId])).rows[0];
    expect(run).toEqual({ status: "cancelled", cancelRequested: true });
    const audit = (await pool.query(`SELECT "actorId", "actorLabel", action FROM "AuditLog" WHERE "entityId" = $1`, [runId])).rows;
    expect(audit).toEqual([{ actorId: DEMO_ACTOR.id, actorLabel: DEMO_ACTOR.label, action: "run.cancel_requested" }]);
  });

  test("a cancel whose audit entry cannot be written leaves the run as it was and says it failed", async () => {
    const runId = await insertRunRow("running");
    // No such user: the audit entry breaks its foreign key after the run row was updated.
    vi.mocked(getCurrentActor).mockResolvedValueOnce({ ...DEMO_ACTOR, id: "00000000-0000-4000-8000-00000000dead" });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const result = await cancelRunAction({ runId });
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/nothing was changed/) });
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
    const run = (await pool.query(`SELECT status, "cancelRequested" FROM "Run" WHERE id = $1`, [runId])).rows[0];
    expect(run).toEqual({ status: "running", cancelRequested: false });
    expect(await audits(runId)).toBe(0);
    // Asked again by a known user, it goes through.
    expect(await cancelRunAction({ runId })).toEqual({ ok: true, data: { runId, isAlreadyRequested: false } });
    expect(await audits(runId)).toBe(1);
  });

  test("a second cancel of the same run changes nothing more", async () => {
    const runId = await insertRunRow("running");
    await cancelRunAction({ runId });
    const again = await cancelRunAction({ runId });
    expect(again).toEqual({ ok: true, data: { runId, isAlreadyRequested: true } });
    expect(await audits(runId)).toBe(1);
  });

  test.each(["completed", "cancelled", "failed"] as const)("refuses a %s run by its status and changes nothing", async (status) => {
    const runId = await insertRunRow(status);
    const result = await cancelRunAction({ runId });
    expect(result).toEqual({ ok: false, message: `This run already ended (${status}); there is nothing to cancel.` });
    const run = (await pool.query(`SELECT "cancelRequested" FROM "Run" WHERE id = $1`, [runId])).rows[0];
    expect(run.cancelRequested).toBe(false);
    expect(await audits(runId)).toBe(0);
  });

  test("a run in progress stops when cancelled, whichever step it is in", async () => {
    const started = await startRunAction({ scope: {}, policy: "rules" });
    if (!started.ok) throw new Error(started.message);
    expect(await cancelRunAction({ runId: started.data.runId })).toMatchObject({ ok: true });
    await waitForBackgroundRuns();
    const run = (await pool.query(`SELECT status, processed, total FROM "Run" WHERE id = $1`, [started.data.runId])).rows[0];
    // The run may have finished its only batch before the request arrived; either way it ended cleanly.
    expect(["cancelled", "completed"]).toContain(run.status);
    expect(run.processed).toBeLessThanOrEqual(run.total);
  });

  test.each([
    { input: {}, message: /runId/ },
    { input: { runId: "not-a-uuid" }, message: /Choose a run/ },
    { input: { runId: "6f1c1d0e-6a43-4a4e-9d3a-8a3f0d1c2b11", extra: true }, message: /extra|unrecognized/i },
  ])("refuses $input", async ({ input, message }) => {
    const result = await cancelRunAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  test("refuses an unknown run", async () => {
    expect(await cancelRunAction({ runId: "6f1c1d0e-6a43-4a4e-9d3a-000000000000" })).toEqual({ ok: false, message: "This run does not exist." });
  });
});

describe("runAgainAction", () => {
  const endedRun = (status: Parameters<typeof insertRunRow>[0], scope: object = { valueTier: "premium" }, policy: "rules" | "llm" = "rules") => insertRunRow(status, { scope, policy });

  test.each(["failed", "cancelled"] as const)("a %s run starts again over the same selection and policy, completes, and the audit names the run it repeats", async (status) => {
    const before = await endedRun(status, { valueTier: "premium" });
    const result = await runAgainAction({ runId: before });
    expect(result).toMatchObject({ ok: true, data: { total: 10, policy: "rules" } });
    if (!result.ok) return;
    expect(result.data.runId).not.toBe(before);
    await waitForBackgroundRuns();
    const run = (await pool.query(`SELECT status, processed, scope, policy::text, "requestedById" FROM "Run" WHERE id = $1`, [result.data.runId])).rows[0];
    expect(run).toEqual({ status: "completed", processed: 10, scope: { valueTier: "premium" }, policy: "rules", requestedById: DEMO_ACTOR.id });
    const audit = (await pool.query(`SELECT action, after FROM "AuditLog" WHERE "entityId" = $1`, [result.data.runId])).rows;
    expect(audit).toEqual([{ action: "run.start", after: expect.objectContaining({ againOf: before, scope: { valueTier: "premium" }, total: 10 }) }]);
    // The run it repeats stays as it ended.
    expect((await pool.query(`SELECT status::text FROM "Run" WHERE id = $1`, [before])).rows[0].status).toBe(status);
  });

  test("a run over chosen customers starts again over the same customers", async () => {
    const before = await endedRun("failed", { customerIds: ["T-0002", "T-0005"] });
    const result = await runAgainAction({ runId: before });
    expect(result).toMatchObject({ ok: true, data: { total: 2 } });
    await waitForBackgroundRuns();
    const customers = (await pool.query(`SELECT "customerId" FROM "Recommendation" WHERE "runId" = $1 ORDER BY 1`, [result.ok ? result.data.runId : ""])).rows.map((r) => r.customerId);
    expect(customers).toEqual(["T-0002", "T-0005"]);
  });

  test.each([
    { status: "queued" as const, message: "This run has not ended yet; cancel it or let it finish before running it again." },
    { status: "running" as const, message: "This run has not ended yet; cancel it or let it finish before running it again." },
    { status: "completed" as const, message: "This run completed; start a new one from the form to decide its customers again." },
  ])("refuses a $status run by its status and starts nothing", async ({ status, message }) => {
    const runId = await endedRun(status);
    const runs = await count(`SELECT count(*) AS n FROM "Run"`);
    expect(await runAgainAction({ runId })).toEqual({ ok: false, message });
    expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(runs);
  });

  test.each([
    { case: "an unknown run", input: { runId: "6f1c1d0e-6a43-4a4e-9d3a-000000000000" }, message: /^No run has this id/ },
    { case: "no run", input: {}, message: /runId/ },
    { case: "a run id that is not a UUID", input: { runId: "last-one" }, message: /Choose a run/ },
    { case: "a field too many", input: { runId: "6f1c1d0e-6a43-4a4e-9d3a-000000000000", scope: {} }, message: /scope|unrecognized/i },
  ])("refuses $case and starts nothing", async ({ input, message }) => {
    await expectRefusedStartingNothing(() => runAgainAction(input), message);
  });

  test("refuses a language-model run again while no model is configured", async () => {
    const runId = await endedRun("failed", { limit: 3 }, "llm");
    expect(await runAgainAction({ runId })).toEqual({ ok: false, message: expect.stringMatching(/OPENAI_API_KEY/) });
  });

  test("refuses a run whose stored selection is no longer valid", async () => {
    const runId = await endedRun("failed", { limit: -4 });
    expect(await runAgainAction({ runId })).toEqual({ ok: false, message: "This run's selection is no longer valid; start a new run from the form." });
  });

  test("a request key the start form used, or used for another run, is another request", async () => {
    const key = "0b7c1f6e-1111-4222-8333-9444555566bb";
    const started = await startRunAction({ scope: { limit: 1 }, policy: "rules", requestKey: key });
    const [first, second] = [await endedRun("failed", { limit: 1 }), await endedRun("cancelled", { limit: 1 })];
    const again = await runAgainAction({ runId: first, requestKey: key });
    const againOther = await runAgainAction({ runId: second, requestKey: key });
    await waitForBackgroundRuns();
    const ids = [started, again, againOther].map((r) => (r.ok ? r.data.runId : r.message));
    expect(new Set(ids).size).toBe(3);
  });

  test("one click sent twice (the same request key) starts one run", async () => {
    const before = await endedRun("cancelled", { limit: 2 });
    const runs = await count(`SELECT count(*) AS n FROM "Run"`);
    const input = { runId: before, requestKey: "0b7c1f6e-1111-4222-8333-9444555566aa" };
    const [first, second] = await Promise.all([runAgainAction(input), runAgainAction(input)]);
    await waitForBackgroundRuns();
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(runs + 1);
  });
});

describe("runCustomerPipelineAction", () => {
  test("answers with the customer's recommendation, stored with its trace", async () => {
    const result = await runCustomerPipelineAction({ customerId: "T-0003", policy: "rules" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const rec = result.data.recommendation!;
    expect(rec.policy).toBe("rules");
    expect(rec.rationale.length).toBeGreaterThan(20);
    const stored = (
      await pool.query(
        `SELECT r."customerId", r.status, r.trace, t.steps AS decided FROM "Recommendation" r
           JOIN "DecisionTrace" t ON t."runId" = r."runId" AND t."customerId" = r."customerId" WHERE r.id = $1`,
        [rec.id],
      )
    ).rows[0];
    expect(stored.customerId).toBe("T-0003");
    expect(stored.status).toBe(rec.status);
    // The decision's steps, kept for the run, and the recommendation's own after them.
    expect(stored.decided.length + stored.trace.steps.length).toBeGreaterThanOrEqual(5);
  });

  test.each([
    { input: { customerId: "" }, message: /customer/i },
    { input: { customerId: 42 }, message: /customerId/ },
    { input: {}, message: /customerId/ },
  ])("refuses $input and changes nothing", async ({ input, message }) => {
    const before = await count(`SELECT count(*) AS n FROM "Recommendation"`);
    const result = await runCustomerPipelineAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
    expect(await count(`SELECT count(*) AS n FROM "Recommendation"`)).toBe(before);
  });

  test("an unknown customer is refused by name", async () => {
    const result = await runCustomerPipelineAction({ customerId: "NO-SUCH" });
    expect(result).toEqual({ ok: false, message: "Unknown customer: NO-SUCH" });
  });
});
