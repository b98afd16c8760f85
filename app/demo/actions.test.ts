import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";
import { DEMO_CUSTOMERS } from "@/lib/demo/reset";
import { insertCatalog, insertCustomers } from "@/lib/pipeline/testing/fixtures";
import { type Actor, PERMISSIONS } from "@/lib/auth/roles";
import { DEMO_ACTOR } from "@/lib/auth/testing";
import { getCurrentActor } from "@/lib/session/actor";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
vi.mock("@/lib/session/actor", async () => {
  const { DEMO_ACTOR: actor } = await import("@/lib/auth/testing");
  return { getCurrentActor: vi.fn(async () => actor) };
});

let db: TestDatabase;
let pool: pg.Pool;
let resetDemoAction: typeof import("./actions").resetDemoAction;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  await insertCustomers(db.url, { count: 3, prefix: "BEFORE" });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // The action reads its settings from the environment on first use.
  process.env.DATABASE_URL = db.url;
  process.env.DEMO_MODE = "true";
  ({ resetDemoAction } = await import("./actions"));
});
afterAll(async () => {
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await pool.end();
  await db.drop();
});

const customers = async () => (await pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id`)).rows.map((r) => r.id);

describe("resetDemoAction", () => {
  test.each([
    { title: "no confirmation", input: {} },
    { title: "a wrong confirmation", input: { confirmation: "yes" } },
    { title: "a confirmation that is not text", input: { confirmation: 1 } },
    { title: "an unknown extra field", input: { confirmation: "reset", customers: 5 } },
    { title: "no object at all", input: null },
  ])("refuses $title with a clear message and changes nothing", async ({ input }) => {
    const result = await resetDemoAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(5);
    expect(await customers()).toEqual(["BEFORE-0001", "BEFORE-0002", "BEFORE-0003"]);
  });

  test.each<Actor["role"]>(["viewer", "marketer"])("refuses a %s and changes nothing", async (role) => {
    vi.mocked(getCurrentActor).mockResolvedValueOnce({ ...DEMO_ACTOR, role });
    const result = await resetDemoAction({ confirmation: "reset" });
    expect(result).toEqual({ ok: false, message: PERMISSIONS["demo.reset"].refusal });
    expect(await customers()).toHaveLength(3);
  });

  test("refuses while a run is in progress and changes nothing", async () => {
    const { rows } = await pool.query<{ id: string }>(`INSERT INTO "Run" (id, status, policy, scope, total) VALUES (gen_random_uuid(), 'running', 'rules', '{}', 3) RETURNING id`);
    try {
      const result = await resetDemoAction({ confirmation: "reset" });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/A run is in progress/);
      expect(await customers()).toHaveLength(3);
    } finally {
      await pool.query(`DELETE FROM "Run" WHERE id = $1`, [rows[0]!.id]);
    }
  });

  test("a manager's confirmed reset restores the seeded demo and records who did it", async () => {
    const result = await resetDemoAction({ confirmation: "reset" });
    expect(result).toMatchObject({ ok: true, data: { customers: DEMO_CUSTOMERS } });
    const ids = await customers();
    expect(ids).toHaveLength(DEMO_CUSTOMERS);
    expect(ids).not.toContain("BEFORE-0001");
    const audit = await pool.query<{ actorLabel: string; action: string }>(`SELECT "actorLabel", action FROM "AuditLog" WHERE action = 'demo.reset'`);
    expect(audit.rows).toEqual([{ actorLabel: DEMO_ACTOR.label, action: "demo.reset" }]);
  });
});
