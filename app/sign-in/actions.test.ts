// The sign-in and sign-out server actions against PostgreSQL, with the request's headers and
// cookies stood in for: what they refuse, where they send people, and the session rows they leave.
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { DEMO_PASSWORD } from "@/lib/auth/demo-users";
import { seedDemo } from "@/prisma/seed/index";
import { type TestDatabase, createTestDatabase } from "@/lib/database/testing";

const request = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("next/headers", () => ({
  headers: async () =>
    new Headers({
      origin: "http://localhost:3000",
      cookie: [...request.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; "),
    }),
  cookies: async () => ({ set: (name: string, value: string) => request.cookies.set(name, value) }),
}));
class Redirect extends Error {
  constructor(readonly to: string) {
    super(`redirect to ${to}`);
  }
}
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Redirect(to);
  },
}));

let db: TestDatabase;
let actions: typeof import("./actions");
let pool: pg.Pool;

const form = (fields: Record<string, string | undefined>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) f.set(k, v);
  return f;
};
const redirectOf = (p: Promise<unknown>) => p.then((v) => ({ returned: v }), (e: unknown) => (e instanceof Redirect ? { redirect: e.to } : Promise.reject(e)));
const sessions = async () => Number((await pool.query(`SELECT count(*) AS n FROM "Session"`)).rows[0].n);

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo({ url: db.url, customers: 3 });
  process.env.DATABASE_URL = db.url;
  process.env.AUTH_SECRET = "sign-in-action-tests-secret-0123456789abcdef";
  process.env.DEMO_MODE = "true";
  actions = await import("./actions");
  const { getPool } = await import("@/lib/pool");
  pool = getPool();
}, 120_000);
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(() => request.cookies.clear());

describe("signInAction", () => {
  test.each([
    { title: "no email", fields: { password: "x" }, field: "email" },
    { title: "an email that is not one", fields: { email: "gareth", password: "x" }, field: "email" },
    { title: "a very long email", fields: { email: `${"a".repeat(300)}@demo.cvm`, password: "x" }, field: "email" },
    { title: "no password", fields: { email: "manager@demo.cvm" }, field: "password" },
    { title: "a very long password", fields: { email: "manager@demo.cvm", password: "p".repeat(500) }, field: "password" },
  ])("refuses $title on its field, keeps the email typed, and creates no session", async ({ fields, field }) => {
    const result = await actions.signInAction({}, form(fields));
    expect(result.fieldErrors?.[field]?.[0]).toBeTruthy();
    expect(result.email).toBe((fields.email ?? "").slice(0, 254));
    expect(await sessions()).toBe(0);
  });

  test("a wrong password is refused without saying which of the two was wrong", async () => {
    const result = await actions.signInAction({}, form({ email: "manager@demo.cvm", password: "wrong-password" }));
    expect(result).toEqual({ message: "The email address or the password is wrong.", email: "manager@demo.cvm" });
    expect(await sessions()).toBe(0);
  });

  test.each([
    { next: "/review?page=2", to: "/review?page=2" },
    { next: "//evil.example", to: "/" },
    { next: "https://evil.example", to: "/" },
  ])("the right password opens a session and goes to $to when asked for $next", async ({ next, to }) => {
    const before = await sessions();
    expect(await redirectOf(actions.signInAction({}, form({ email: "Manager@Demo.cvm", password: DEMO_PASSWORD, next })))).toEqual({ redirect: to });
    expect(await sessions()).toBe(before + 1);
  });
});

describe("signOutAction", () => {
  test("ends the session of this browser and goes to the sign-in page", async () => {
    // This browser's cookie, as the sign-in library's own route hands it out.
    const { getAuth } = await import("@/lib/auth/auth");
    const { getEnv } = await import("@/lib/env");
    const res = await getAuth(getEnv(), pool).handler(
      new Request("http://localhost:3000/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:3000" },
        body: JSON.stringify({ email: "viewer@demo.cvm", password: DEMO_PASSWORD }),
      }),
    );
    const [name, value] = res.headers.getSetCookie()[0]!.split(";")[0]!.split("=") as [string, string];
    request.cookies.set(name, decodeURIComponent(value));
    const token = decodeURIComponent(value).split(".")[0]!;
    expect(Number((await pool.query(`SELECT count(*) AS n FROM "Session" WHERE token = $1`, [token])).rows[0].n)).toBe(1);
    expect(await redirectOf(actions.signOutAction())).toEqual({ redirect: "/sign-in" });
    expect(Number((await pool.query(`SELECT count(*) AS n FROM "Session" WHERE token = $1`, [token])).rows[0].n)).toBe(0);
  });

  test("signed out already, it still goes to the sign-in page", async () => {
    expect(await redirectOf(actions.signOutAction())).toEqual({ redirect: "/sign-in" });
  });
});
