import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";
import { waitForBackgroundRuns } from "@/lib/pipeline/launch";
import { insertCatalog, insertCustomers, insertPermissions } from "@/lib/pipeline/testing/fixtures";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

let db: TestDatabase;
let pool: pg.Pool;
let startRunAction: typeof import("./actions").startRunAction;
let runCustomerPipelineAction: typeof import("../customers/[id]/actions").runCustomerPipelineAction;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  const ids = await insertCustomers(db.url, { count: 30, highValueEvery: 3 });
  await insertPermissions(db.url, ids);
  pool = new pg.Pool({ connectionString: db.url });
  // The actions read their settings from the environment on first use.
  process.env.DATABASE_URL = db.url;
  delete process.env.OPENAI_API_KEY;
  ({ startRunAction } = await import("./actions"));
  ({ runCustomerPipelineAction } = await import("../customers/[id]/actions"));
});
afterAll(async () => {
  await waitForBackgroundRuns();
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await pool.end();
  await db.drop();
});

const count = async (sql: string) => Number((await pool.query(sql)).rows[0].n);

describe("startRunAction", () => {
  test("starts a run over a tier that finishes in the background with its summary", async () => {
    const result = await startRunAction({ scope: { valueTier: "premium" }, policy: "rules" });
    expect(result).toMatchObject({ ok: true, data: { total: 10, policy: "rules" } });
    await waitForBackgroundRuns();
    const run = (await pool.query(`SELECT status, processed, summary FROM "Run" WHERE id = $1`, [result.ok ? result.data.runId : ""])).rows[0];
    expect(run).toMatchObject({ status: "completed", processed: 10 });
    expect(run.summary.processed).toBe(10);
  });

  test.each([
    { input: null, message: /expected object/i },
    { input: { scope: { limit: 0 }, policy: "rules" }, message: /scope\.limit/ },
    { input: { scope: { limit: "ten" } }, message: /scope\.limit/ },
    { input: { scope: {}, policy: "magic" }, message: /policy/ },
    { input: { scope: { valueTier: "gold" } }, message: /valueTier/ },
    { input: { scope: { segment: "x".repeat(500) } }, message: /segment/ },
    { input: { scope: {}, extra: 1 }, message: /extra|unrecognized/i },
  ])("refuses $input with a clear message and creates no run", async ({ input, message }) => {
    const before = await count(`SELECT count(*) AS n FROM "Run"`);
    const result = await startRunAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
    expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(before);
  });

  test("refuses the language-model policy when no model is configured", async () => {
    const result = await startRunAction({ scope: { limit: 2 }, policy: "llm" });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/OPENAI_API_KEY/) });
  });

  test("refuses a selection that matches nobody", async () => {
    const result = await startRunAction({ scope: { segment: "nobody-here" } });
    expect(result).toEqual({ ok: false, message: "No customer matches this selection." });
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
    const stored = (await pool.query(`SELECT "customerId", status, trace FROM "Recommendation" WHERE id = $1`, [rec.id])).rows[0];
    expect(stored.customerId).toBe("T-0003");
    expect(stored.status).toBe(rec.status);
    expect(stored.trace.steps.length).toBeGreaterThanOrEqual(5);
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
