// The outcomes route called directly on PostgreSQL: only a live integration token writes, it writes
// outcomes and nothing else, all or nothing, audited with the integration as the actor.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createAuth } from "@/lib/auth/auth";
import { demoUsers } from "@/lib/auth/demo-users";
import { demoActor } from "@/lib/auth/testing";
import { createTestDatabase, type TestDatabase } from "@/lib/database/testing";
import { QUEUES } from "@/lib/jobs/queue";
import { MAX_OUTCOMES_PER_REQUEST } from "@/lib/outcomes/record";
import { createIntegrationToken, revokeIntegrationToken } from "@/lib/outcomes/tokens";
import { insertCatalog, insertCustomers, insertRun } from "@/lib/pipeline/testing/fixtures";
import { config, proxy } from "@/proxy";

// Other routes read the session through this; a bearer token is not one (checked below on the sign-in library itself).
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => null }));

let db: TestDatabase;
let pool: pg.Pool;
let route: typeof import("./route");
let decisions: string[];
const tokens: { live: string; revoked: string } = { live: "", revoked: "" };

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  const customers = await insertCustomers(db.url, { count: 3 });
  const runId = await insertRun(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  for (const u of demoUsers) {
    await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, u.email, u.name, u.role]);
  }
  decisions = [];
  for (const customerId of customers) {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, 'approved', 'retention_call', 'rules', 'r', 0.5, 10, 'ok', now()) RETURNING id`,
      [runId, customerId],
    );
    decisions.push(rows[0]!.id);
  }
  const admin = demoActor("admin");
  tokens.live = (await createIntegrationToken(pool, { actor: admin, name: "CRM sync" })).token;
  const revoked = await createIntegrationToken(pool, { actor: admin, name: "Old dialler" });
  await revokeIntegrationToken(pool, { actor: admin, id: revoked.id });
  tokens.revoked = revoked.token;
  process.env.DATABASE_URL = db.url;
  route = await import("./route");
}, 60_000);
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const outcome = (i: number, rest: Record<string, unknown> = {}) => ({
  recommendationId: decisions[i],
  contactMade: true,
  response: "declined",
  stayed30d: true,
  stayed90d: null,
  revenueChangeGbp: -2.5,
  recordedAt: "2026-03-01T10:00:00Z",
  ...rest,
});

async function post(body: unknown, authorization?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== undefined) headers.authorization = authorization;
  const res = await route.POST(new Request("http://localhost/api/outcomes", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }));
  return { status: res.status, json: (await res.json()) as { message?: string; problems?: { field: string; reason: string }[]; inserted?: number; updated?: number } };
}

const count = async (table: string) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);

describe("who may write outcomes", () => {
  test.each<{ title: string; header: string | undefined | (() => string); message: RegExp }>([
    { title: "no Authorization header", header: undefined, message: /Bearer <token>/ },
    { title: "a header that is not Bearer", header: "Basic dXNlcjpwYXNz", message: /Bearer <token>/ },
    { title: "a token nobody created", header: "Bearer cvmo_not-a-real-token", message: /not known/ },
    { title: "the token of a revoked integration", header: () => `Bearer ${tokens.revoked}`, message: /Old dialler was revoked/ },
  ])("refuses $title with 401 and writes nothing", async ({ header, message }) => {
    const before = await count("Outcome");
    const res = await post(outcome(0), typeof header === "function" ? header() : header);
    expect(res.status).toBe(401);
    expect(res.json.message).toMatch(message);
    expect(await count("Outcome")).toBe(before);
  });
});

describe("what a token may write", () => {
  test.each<{ title: string; body: () => unknown; field: string; reason: RegExp }>([
    { title: "a field that is not an outcome's (a decision's status)", body: () => outcome(0, { status: "approved" }), field: "status", reason: /not an outcome field/ },
    { title: "a source of its own choosing", body: () => outcome(0, { source: "import" }), field: "source", reason: /not an outcome field/ },
    { title: "a response without a contact", body: () => outcome(0, { contactMade: false }), field: "response", reason: /no contact was made/ },
    { title: "a response outside the three", body: () => outcome(0, { response: "maybe" }), field: "response", reason: /one of accepted, declined, ignored/ },
    { title: "a decision we do not have", body: () => outcome(0, { recommendationId: randomUUID() }), field: "recommendationId", reason: /no decision has the id/ },
    { title: "a list at the top", body: () => [outcome(0)], field: "body", reason: /one outcome as a JSON object/ },
    { title: "one bad outcome among good ones", body: () => ({ outcomes: [outcome(0), outcome(1, { stayed30d: false, stayed90d: true })] }), field: "outcomes[1].stayed90d", reason: /left within 30 days/ },
    { title: "the same decision twice", body: () => ({ outcomes: [outcome(0), outcome(0)] }), field: "outcomes[1].recommendationId", reason: /repeats the decision of outcomes\[0\]/ },
    { title: "more than the cap", body: () => ({ outcomes: Array.from({ length: MAX_OUTCOMES_PER_REQUEST + 1 }, () => outcome(0)) }), field: "outcomes", reason: /at most 500/ },
    { title: "anything beside the list", body: () => ({ outcomes: [outcome(0)], treatments: [] }), field: "treatments", reason: /not expected/ },
  ])("refuses $title, naming $field, and writes nothing", async ({ body, field, reason }) => {
    const before = [await count("Outcome"), await count("AuditLog")];
    const res = await post(body(), `Bearer ${tokens.live}`);
    expect(res.status).toBe(400);
    expect(res.json.problems?.[0]?.field).toBe(field);
    expect(res.json.problems?.[0]?.reason).toMatch(reason);
    expect([await count("Outcome"), await count("AuditLog")]).toEqual(before);
  });

  test("records a batch with the integration as the actor, and a resend updates each decision", async () => {
    const first = await post({ outcomes: [outcome(1), outcome(2)] }, `Bearer ${tokens.live}`);
    expect(first).toMatchObject({ status: 200, json: { inserted: 2, updated: 0 } });
    const again = await post(outcome(1, { stayed90d: false, stayed30d: false }), `Bearer ${tokens.live}`);
    expect(again).toMatchObject({ status: 200, json: { inserted: 0, updated: 1 } });
    const { rows } = await pool.query(`SELECT "stayed90d", source::text FROM "Outcome" WHERE "recommendationId" = $1`, [decisions[1]]);
    expect(rows).toEqual([{ stayed90d: false, source: "integration" }]);
    const audit = await pool.query(`SELECT "actorId", "actorLabel", "entityId", before IS NOT NULL AS "hasBefore" FROM "AuditLog" WHERE action = 'outcome.record' ORDER BY id`);
    expect(audit.rows).toEqual([
      { actorId: null, actorLabel: "Integration: CRM sync", entityId: decisions[1], hasBefore: false },
      { actorId: null, actorLabel: "Integration: CRM sync", entityId: decisions[2], hasBefore: false },
      { actorId: null, actorLabel: "Integration: CRM sync", entityId: decisions[1], hasBefore: true },
    ]);
  });
});

describe("what a write asks of the workers", () => {
  const waiting = async (name: string) => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created'`, [name])).rows[0]!.n;

  test.each([
    { kind: "learned effects", queue: QUEUES.refreshLearnedEffects },
    { kind: "insights", queue: QUEUES.refreshInsights },
  ])("three writes in a row leave one $kind refresh waiting", async ({ queue }) => {
    for (const i of [0, 1, 2]) expect((await post(outcome(i, { recordedAt: `2026-03-0${i + 2}T10:00:00Z` }), `Bearer ${tokens.live}`)).status).toBe(200);
    expect(await waiting(queue)).toBe(1);
  });
});

describe("the token opens no other door", () => {
  test("the sign-in library reads no session from it", async () => {
    const auth = createAuth({ pool, secret: "a-test-secret-that-is-long-enough-0123456789", appUrl: "http://localhost:3999", port: 3999, isDemo: true });
    expect(await auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${tokens.live}` }) })).toBeNull();
  });

  test.each<[string, () => Promise<Response>]>([
    ["POST /api/import/uploads", () => import("../import/uploads/route").then((m) => m.POST(new Request("http://localhost/api/import/uploads?kind=customers", { method: "POST", headers: { authorization: `Bearer ${tokens.live}` }, body: "id\n" })))],
    ["POST /api/import/runs", () => import("../import/runs/route").then((m) => m.POST(new Request("http://localhost/api/import/runs", { method: "POST", headers: { authorization: `Bearer ${tokens.live}` }, body: "{}" })))],
    ["GET /api/runs", () => import("../runs/route").then((m) => m.GET(new Request("http://localhost/api/runs", { headers: { authorization: `Bearer ${tokens.live}` } })))],
  ])("%s answers 401 to it", async (_title, call) => {
    expect((await call()).status).toBe(401);
  });

  test.each<[string, boolean]>([
    ["/api/outcomes", false],
    ["/api/outcomes/extra", true],
    ["/api/runs", true],
    ["/api/import/runs", true],
    ["/review", true],
  ])("the sign-in shortcut checks a session on %s: %s", (path, isChecked) => {
    // Next reads the matcher as this pattern over the whole path.
    expect(new RegExp(`^${config.matcher[0]}$`).test(path)).toBe(isChecked);
  });

  test("the sign-in shortcut turns a bearer without a session away from every other API route", async () => {
    const res = proxy(new NextRequest("http://localhost/api/runs", { method: "POST", headers: { authorization: `Bearer ${tokens.live}` } }));
    expect(res.status).toBe(401);
  });

  test("the route answers only POST", () => {
    expect(Object.keys(route).filter((k) => /^[A-Z]+$/.test(k))).toEqual(["POST"]);
  });
});
