// The Import screen's route handlers called directly, as each role: only managers and
// administrators may upload or import; a dry run changes nothing; an import streams its progress,
// writes its batch and its audit entry in one transaction.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type Actor, PERMISSIONS, ROLES, type Role, SIGN_IN_REQUIRED, can } from "@/lib/auth/roles";
import { demoActor } from "@/lib/auth/testing";
import { demoUsers } from "@/lib/auth/demo-users";
import { createTestDatabase, type TestDatabase } from "@/lib/database/testing";
import { stateChurnCsv, stateRow } from "@/lib/import/testing/state-churn-rows";
import { telcoCsv, telcoRow } from "@/lib/import/testing/telco-rows";
import { fingerprint } from "@/app/testing/harness";
import type { ImportRunEvent } from "./runs/route";

const acting: { actor: Actor | null } = { actor: null };
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => acting.actor }));

let db: TestDatabase;
let pool: pg.Pool;
let routes: { uploads: typeof import("./uploads/route"); runs: typeof import("./runs/route") };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  for (const u of demoUsers) {
    await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, u.email, u.name, u.role]);
  }
  process.env.DATABASE_URL = db.url;
  routes = { uploads: await import("./uploads/route"), runs: await import("./runs/route") };
}, 60_000);
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const actorOf = (role: Role | null): Actor | null => (role ? demoActor(role) : null);

async function upload(text: string, opts: { fileName?: string; kind?: string } = {}): Promise<Response> {
  const request = new Request(`http://localhost/api/import/uploads?kind=${opts.kind ?? "customers"}`, {
    method: "POST",
    headers: { "x-file-name": encodeURIComponent(opts.fileName ?? "customers.csv") },
    body: text,
    duplex: "half",
  } as RequestInit);
  return routes.uploads.POST(request);
}

async function run(body: Record<string, unknown>): Promise<{ status: number; events: ImportRunEvent[]; json?: { message: string } }> {
  const res = await routes.runs.POST(new Request("http://localhost/api/import/runs", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }));
  if (!res.headers.get("content-type")?.startsWith("application/x-ndjson")) return { status: res.status, events: [], json: (await res.json()) as { message: string } };
  const text = await res.text();
  return { status: res.status, events: text.trim().split("\n").map((l) => JSON.parse(l) as ImportRunEvent) };
}

const resultOf = (events: ImportRunEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== "result") throw new Error("no result");
  return last.result;
};

describe("who may import", () => {
  test.each<Role | null>([null, ...ROLES])("as %s", async (role) => {
    acting.actor = actorOf(role);
    const before = await fingerprint(pool);
    const res = await upload(telcoCsv([telcoRow(`R-${role ?? "none"}`)]));
    if (role && can(role, "imports.run")) {
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBe(role ? 403 : 401);
      expect(await res.json()).toEqual({ message: role ? PERMISSIONS["imports.run"].refusal : SIGN_IN_REQUIRED });
      const ran = await run({ uploadId: "00000000-0000-4000-8000-000000000000", kind: "customers", mapping: null, isDryRun: false, isSkipInvalid: false });
      expect(ran.status).toBe(role ? 403 : 401);
    }
    expect(await fingerprint(pool)).toEqual(before);
    acting.actor = null;
  });

  test("one manager cannot run another's upload", async () => {
    acting.actor = demoActor("manager");
    const { uploadId } = (await (await upload(telcoCsv([telcoRow("X-1")]))).json()) as { uploadId: string };
    acting.actor = demoActor("admin");
    const ran = await run({ uploadId, kind: "customers", mapping: null, isDryRun: true, isSkipInvalid: false });
    expect(ran.status).toBe(404);
    acting.actor = null;
  });
});

describe("a manager importing a file in another layout", () => {
  const rows = [stateRow(), stateRow({ State: "OH", Churn: "True" }), stateRow({ State: "NJ", "Total day charge": "x" })];
  let uploadId = "";
  let mapping = "";

  test("sees its columns, first rows and the saved mapping its columns suggest", async () => {
    acting.actor = demoActor("manager");
    const res = await upload(stateChurnCsv(rows), { fileName: "churn-by-state.csv" });
    const body = (await res.json()) as { uploadId: string; columns: string[]; rows: Record<string, string>[]; suggestedMapping: string | null };
    expect(res.status).toBe(200);
    expect(body.columns.slice(0, 3)).toEqual(["State", "Account length", "Area code"]);
    expect(body.rows).toHaveLength(3);
    expect(body.rows[1]).toMatchObject({ State: "OH" });
    expect(body.suggestedMapping).toBe("telecom-churn-by-state");
    uploadId = body.uploadId;
    mapping = JSON.stringify((await import("@/examples/mappings/telecom-churn-by-state.json")).default);
  });

  test("a dry run says how many would be added and refused and why, and changes nothing", async () => {
    acting.actor = demoActor("manager");
    const before = await fingerprint(pool);
    const { events } = await run({ uploadId, kind: "customers", mapping, isDryRun: true, isSkipInvalid: false });
    expect(resultOf(events)).toEqual({
      ok: true,
      isDryRun: true,
      batchId: null,
      rowsRead: 3,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      refused: [{ where: "line 4", reason: 'Total day charge "x" is not an amount' }],
      refusedTotal: 1,
      notes: [],
    });
    expect(await fingerprint(pool)).toEqual(before);
  });

  test("without skipping, the import is refused naming the row, and changes nothing", async () => {
    acting.actor = demoActor("manager");
    const before = await fingerprint(pool);
    const result = resultOf((await run({ uploadId, kind: "customers", mapping, isDryRun: false, isSkipInvalid: false })).events);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("1 of 3 rows cannot be imported. Nothing was changed."), problems: [{ where: "line 4" }] });
    expect(await fingerprint(pool)).toEqual(before);
  });

  test("skipping invalid rows, imports with progress, one batch and one audit entry in the manager's name", async () => {
    acting.actor = demoActor("manager");
    const { events } = await run({ uploadId, kind: "customers", mapping, isDryRun: false, isSkipInvalid: true });
    const result = resultOf(events);
    expect(result).toMatchObject({ ok: true, isDryRun: false, rowsRead: 3, inserted: 2, refusedTotal: 1 });
    expect(events.some((e) => e.type === "progress" && e.progress.phase === "writing" && e.progress.written === 2)).toBe(true);
    const batchId = result.ok ? result.batchId : null;
    expect(await pool.query(`SELECT id FROM "Customer" WHERE "importBatchId" = $1 ORDER BY id`, [batchId])).toMatchObject({ rows: [{ id: "TC-2" }, { id: "TC-3" }] });
    const audit = await pool.query(`SELECT action, "entityType", "entityId", "actorId", after FROM "AuditLog" WHERE action = 'import.run'`);
    expect(audit.rows).toEqual([
      {
        action: "import.run",
        entityType: "ImportBatch",
        entityId: batchId,
        actorId: demoActor("manager").id,
        after: { kind: "customers", fileName: "churn-by-state.csv", mapping: expect.stringContaining("Telecom churn by state"), inserted: 2, updated: 0 },
      },
    ]);
    // The file is gone once imported.
    expect((await run({ uploadId, kind: "customers", mapping, isDryRun: true, isSkipInvalid: false })).status).toBe(404);
    acting.actor = null;
  });

  test.each([
    { title: "a mapping that is not JSON", mapping: "{", message: "The mapping cannot be used: not JSON" },
    { title: "a mapping without monthly revenue", mapping: JSON.stringify({ name: "M", customer: { id: { template: "{$row}" }, tenureMonths: { value: 1 } } }), message: "says nothing of monthlyRevenue" },
  ])("$title is refused before anything is read", async ({ mapping: text, message }) => {
    acting.actor = demoActor("admin");
    const { uploadId: id } = (await (await upload(stateChurnCsv(rows))).json()) as { uploadId: string };
    const result = resultOf((await run({ uploadId: id, kind: "customers", mapping: text, isDryRun: true, isSkipInvalid: false })).events);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining(message) });
    acting.actor = null;
  });
});

test("an upload that is neither CSV nor JSON is refused by name", async () => {
  acting.actor = demoActor("manager");
  const res = await upload("hello", { fileName: "notes.txt" });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ message: "notes.txt: only .csv and .json files can be imported." });
  acting.actor = null;
});
