import pg from "pg";
import { afterEach, beforeEach, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "./testing/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let customers: string[];

beforeEach(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  customers = await insertCustomers(db.url, { count: 10 });
  await insertPermissions(db.url, customers);
  pool = new pg.Pool({ connectionString: db.url, max: 5 });
});
afterEach(async () => {
  await pool.end();
  await db.drop();
});

test.each([
  { controlGroupShare: undefined, isAnyHeldOut: false, title: "a run given no control group share holds out nobody" },
  { controlGroupShare: 1, isAnyHeldOut: true, title: "a run given a share of 1 holds out everyone it would have treated and sends nothing for review" },
])("$title", async ({ controlGroupShare, isAnyHeldOut }) => {
  const runId = await insertRun(db.url);
  const summary = await executeRun(pool, { runId, customerIds: customers, policy: "rules", model: null, controlGroupShare });
  expect(summary).not.toBeNull();
  const { rows } = await pool.query<{ heldOut: number; pending: number }>(
    `SELECT count(*) FILTER (WHERE "heldOutFrom" IS NOT NULL)::int AS "heldOut", count(*) FILTER (WHERE status = 'pending_review')::int AS pending FROM "Recommendation" WHERE "runId" = $1`,
    [runId],
  );
  expect(rows[0]!.heldOut > 0).toBe(isAnyHeldOut);
  if (isAnyHeldOut) expect(rows[0]!.pending).toBe(0);
  else expect(rows[0]!.pending).toBeGreaterThan(0);
});
