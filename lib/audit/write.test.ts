import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { changedFields, writeAudit } from "./write";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

test("an entry, once written, can be neither changed nor deleted", async () => {
  await writeAudit(pool, { actor: { id: null, label: "Test" }, action: "treatment.update", entityType: "Treatment", entityId: "t", before: { a: 1 }, after: { a: 2 } });
  await expect(pool.query(`UPDATE "AuditLog" SET after = '{"a": 3}'`)).rejects.toThrow(/append-only \(UPDATE refused\)/);
  await expect(pool.query(`DELETE FROM "AuditLog"`)).rejects.toThrow(/append-only \(DELETE refused\)/);
  expect((await pool.query(`SELECT after FROM "AuditLog"`)).rows).toEqual([{ after: { a: 2 } }]);
});

test("a user with entries cannot be deleted, so the trail keeps who acted", async () => {
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO "User" (id, email, name, "updatedAt") VALUES (gen_random_uuid(), 'a@example.test', 'A', now()) RETURNING id`);
  await writeAudit(pool, { actor: { id: rows[0]!.id, label: "A (viewer)" }, action: "user.update", entityType: "User", entityId: rows[0]!.id, before: null, after: null });
  await expect(pool.query(`DELETE FROM "User" WHERE id = $1`, [rows[0]!.id])).rejects.toThrow(/append-only/);
});

test.each([
  { before: { a: 1, b: "x" }, after: { a: 1, b: "y" }, diff: { before: { b: "x" }, after: { b: "y" } } },
  { before: { a: [1, 2] }, after: { a: [1, 2] }, diff: null },
  { before: { a: null }, after: { a: 0 }, diff: { before: { a: null }, after: { a: 0 } } },
])("changedFields keeps only what differs: $after", ({ before, after, diff }) => {
  expect(changedFields(before as Record<string, unknown>, after as Record<string, unknown>)).toEqual(diff);
});
