// User management under concurrency: administrators can never all be removed, even by two
// demotions at once, and account changes keep their rules.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { AppError } from "../errors";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { demoUsers } from "./demo-users";
import { createUser, resetUserPassword, updateUser } from "./users";
import { demoActor } from "./testing";

let db: TestDatabase;
let pool: pg.Pool;
const admin = demoActor("admin");

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE "User", "AuditLog" CASCADE`);
  for (const u of demoUsers) {
    await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, u.email, u.name, u.role]);
  }
});

const activeAdmins = async () => Number((await pool.query(`SELECT count(*) AS n FROM "User" WHERE role = 'admin' AND "isActive"`)).rows[0].n);
const refusal = (p: Promise<unknown>) => p.then(() => "done", (e: unknown) => (e instanceof AppError ? e.code : Promise.reject(e)));

test("the last active administrator can be neither demoted nor deactivated", async () => {
  const self = demoUsers.find((u) => u.role === "admin")!;
  for (const change of [{ role: "manager" as const, isActive: true }, { role: "admin" as const, isActive: false }]) {
    expect(await refusal(updateUser(db.prisma, { actor: admin, input: { id: self.id, name: self.name, ...change } }))).toBe("conflict");
  }
  expect(await activeAdmins()).toBe(1);
  expect((await pool.query(`SELECT count(*)::int AS n FROM "AuditLog"`)).rows[0].n).toBe(0);
});

test("two administrators demoting each other at the same moment leave one administrator", async () => {
  const { id: otherId } = await createUser(db.prisma, { actor: admin, input: { email: "second.admin@example.test", name: "Second Admin", role: "admin", password: "long-enough-password" } });
  const self = demoUsers.find((u) => u.role === "admin")!;
  const outcomes = await Promise.all([
    refusal(updateUser(db.prisma, { actor: admin, input: { id: otherId, name: "Second Admin", role: "viewer", isActive: true } })),
    refusal(updateUser(db.prisma, { actor: admin, input: { id: self.id, name: self.name, role: "viewer", isActive: true } })),
  ]);
  expect(outcomes.sort()).toEqual(["conflict", "done"]);
  expect(await activeAdmins()).toBe(1);
  expect((await pool.query(`SELECT count(*)::int AS n FROM "AuditLog" WHERE action = 'user.update'`)).rows[0].n).toBe(1);
});

test("an address is unique whatever its capitals, and a refused creation leaves no half-made account", async () => {
  expect(await refusal(createUser(db.prisma, { actor: admin, input: { email: "VIEWER@demo.cvm", name: "Copy", role: "viewer", password: "long-enough-password" } }))).toBe("conflict");
  expect((await pool.query(`SELECT count(*)::int AS n FROM "Account"`)).rows[0].n).toBe(0);
  expect((await pool.query(`SELECT count(*)::int AS n FROM "AuditLog"`)).rows[0].n).toBe(0);
});

test("setting a password ends every session of that user and no one else's", async () => {
  const [viewer, marketer] = demoUsers;
  for (const u of [viewer, viewer, marketer]) {
    await pool.query(`INSERT INTO "Session" (id, token, "userId", "expiresAt", "updatedAt") VALUES (gen_random_uuid()::text, gen_random_uuid()::text, $1, now() + interval '1 hour', now())`, [u.id]);
  }
  const result = await resetUserPassword(db.prisma, { actor: admin, input: { id: viewer.id, password: "a-brand-new-password" } });
  expect(result.sessionsEnded).toBe(2);
  const left = (await pool.query(`SELECT "userId" FROM "Session"`)).rows.map((r) => r.userId);
  expect(left).toEqual([marketer.id]);
});
