// Renaming a user from the Users screen: only administrators, and the audit trail keeps both names.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, expect, test, vi } from "vitest";
import type { Actor, Role } from "@/lib/auth/roles";
import { demoUsers } from "@/lib/auth/demo-users";
import { demoActor } from "@/lib/auth/testing";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
const acting: { actor: Actor | null } = { actor: null };
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => acting.actor }));

let t: TestDatabase;
let pool: pg.Pool;
let actions: typeof import("./actions");
const target = demoUsers.find((u) => u.role === "viewer")!;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 2 });
  process.env.DATABASE_URL = t.url;
  actions = await import("./actions");
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE "User", "AuditLog" CASCADE`);
  for (const u of demoUsers) {
    await pool.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [u.id, u.email, u.name, u.role]);
  }
});

const nameOf = async (id: string) => (await pool.query<{ name: string }>(`SELECT name FROM "User" WHERE id = $1`, [id])).rows[0]?.name;
const rename = (name: string) => actions.updateUserAction({ id: target.id, name, role: target.role, isActive: true });

test.each<{ role: Role | null; isRenamed: boolean; title: string }>([
  { role: "admin", isRenamed: true, title: "an administrator renames" },
  { role: "manager", isRenamed: false, title: "a manager is refused" },
  { role: "viewer", isRenamed: false, title: "a viewer is refused" },
  { role: null, isRenamed: false, title: "nobody signed out renames" },
])("$title", async ({ role, isRenamed }) => {
  acting.actor = role ? demoActor(role) : null;
  const result = await rename("Vera Renamed");
  expect(result.ok).toBe(isRenamed);
  expect(await nameOf(target.id)).toBe(isRenamed ? "Vera Renamed" : target.name);
  const { rows } = await pool.query(`SELECT action, before, after FROM "AuditLog" WHERE "entityId" = $1`, [target.id]);
  expect(rows).toEqual(isRenamed ? [{ action: "user.update", before: { name: target.name }, after: { name: "Vera Renamed" } }] : []);
});

test.each([
  { name: "   ", title: "a blank name" },
  { name: "x".repeat(81), title: "a name of 81 characters" },
])("refuses $title and keeps the old name", async ({ name }) => {
  acting.actor = demoActor("admin");
  const result = await rename(name);
  expect(result.ok).toBe(false);
  expect(await nameOf(target.id)).toBe(target.name);
});
