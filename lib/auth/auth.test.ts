// Sign-in end to end against PostgreSQL through the sign-in library's own HTTP handler: the
// session lives in "Session", the password only as a scrypt hash, and the actor of a request is
// read from the database on every request.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemo } from "../../prisma/seed/index";
import { DEMO_PASSWORD, demoUsers } from "./demo-users";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { actorOfSession } from "../session/actor";
import { type Auth, DEACTIVATED_MESSAGE, DEMO_ONLY_MESSAGE, TOO_MANY_ATTEMPTS_MESSAGE, createAuth } from "./auth";
import { createUser, updateUser } from "./users";
import { demoActor } from "./testing";

const ORIGIN = "http://localhost:3999";
let db: TestDatabase;
let pool: pg.Pool;
let auth: Auth;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo({ url: db.url, customers: 5 });
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  auth = createAuth({ pool, secret: "a-test-secret-that-is-long-enough-0123456789", appUrl: ORIGIN, port: 3999, isDemo: true });
}, 120_000);
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function signIn(email: string, password: string): Promise<Response> {
  return auth.handler(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email, password }),
    }),
  );
}

const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const sessionOf = (cookie: string) => auth.api.getSession({ headers: new Headers({ cookie }) });

describe("signing in", () => {
  test.each(demoUsers)("the demo $role signs in with the demo password and gets a session row", async (u) => {
    const res = await signIn(u.email, DEMO_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^cvm\.session_token=/);
    const actor = actorOfSession(await sessionOf(cookie), { isDemo: true });
    expect(actor).toEqual(demoActor(u.role));
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "Session" WHERE "userId" = $1`, [u.id]);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  test("passwords are stored as scrypt hashes, never as given", async () => {
    const { rows } = await pool.query<{ password: string }>(`SELECT password FROM "Account" WHERE "providerId" = 'credential'`);
    expect(rows).toHaveLength(demoUsers.length);
    for (const r of rows) {
      expect(r.password).not.toContain(DEMO_PASSWORD);
      expect(r.password).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    }
  });

  test.each([
    { title: "a wrong password", email: "viewer@demo.cvm", password: "not-the-password" },
    { title: "an unknown email", email: "nobody@demo.cvm", password: DEMO_PASSWORD },
  ])("refuses $title with 401 and creates no session", async ({ email, password }) => {
    const before = (await pool.query(`SELECT count(*)::int AS n FROM "Session"`)).rows[0].n;
    const res = await signIn(email, password);
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().filter((c) => c.startsWith("cvm.session_token=") && !c.includes("Max-Age=0"))).toEqual([]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "Session"`)).rows[0].n).toBe(before);
  });

  test("sign-up is closed: accounts come from administrators only", async () => {
    const res = await auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email: "intruder@example.test", password: "long-enough-password", name: "Intruder" }),
      }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "User" WHERE email = 'intruder@example.test'`)).rows[0].n).toBe(0);
  });

  test("a sign-in from another site is refused", async () => {
    const res = await auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://evil.example", cookie: "cvm.session_token=x" },
        body: JSON.stringify({ email: "viewer@demo.cvm", password: DEMO_PASSWORD }),
      }),
    );
    expect(res.status).toBe(403);
  });
});

test("outside demo mode the demo accounts, whose password is public, cannot sign in; other users can", async () => {
  const real = createAuth({ pool, secret: "a-test-secret-that-is-long-enough-0123456789", appUrl: ORIGIN, port: 3999, isDemo: false });
  const attempt = (email: string, password: string) =>
    real.handler(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email, password }),
      }),
    );
  const demo = await attempt("admin@demo.cvm", DEMO_PASSWORD);
  expect(demo.status).toBe(403);
  expect(await demo.json()).toMatchObject({ message: DEMO_ONLY_MESSAGE });
  await createUser(db.prisma, { actor: demoActor("admin"), input: { email: "real.person@example.test", name: "Real Person", role: "manager", password: "real-person-password" } });
  expect((await attempt("real.person@example.test", "real-person-password")).status).toBe(200);
});

describe("guessing and side doors", () => {
  test("an account gets 10 attempts in 15 minutes, through the form's call as through the HTTP route; others are unaffected", async () => {
    // Another instance, as another server process would be: the count is shared through the database.
    const auth = createAuth({ pool, secret: "a-test-secret-that-is-long-enough-0123456789", appUrl: ORIGIN, port: 3999, isDemo: true });
    const signIn = (email: string, password: string) =>
      auth.handler(
        new Request(`${ORIGIN}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN },
          body: JSON.stringify({ email, password }),
        }),
      );
    const guesses = async (email: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        out.push(
          await auth.api.signInEmail({ body: { email, password: `guess-${i}-wrong` }, headers: new Headers({ origin: ORIGIN }) }).then(
            () => 200,
            (e: { statusCode?: number }) => e.statusCode ?? 500,
          ),
        );
      }
      return out;
    };
    expect(await guesses("marketer@demo.cvm", 10)).toEqual(Array(10).fill(401));
    const blocked = await signIn("marketer@demo.cvm", DEMO_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ message: TOO_MANY_ATTEMPTS_MESSAGE });
    expect((await signIn("manager@demo.cvm", DEMO_PASSWORD)).status).toBe(200);
    // The window ends, so the block does not follow the other tests.
    await pool.query(`DELETE FROM "SignInAttempt"`);
  });

  test.each(["/update-user", "/change-password", "/sign-up/email", "/delete-user", "/revoke-sessions"])(
    "%s is not served: names and passwords change on the Users screen only",
    async (route) => {
      const cookie = cookieOf(await signIn("admin@demo.cvm", DEMO_PASSWORD));
      const res = await auth.handler(
        new Request(`${ORIGIN}/api/auth${route}`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN, cookie },
          body: JSON.stringify({ name: "Gareth Lloyd", currentPassword: DEMO_PASSWORD, newPassword: "taken-over-123" }),
        }),
      );
      expect(res.status).toBe(404);
      expect((await pool.query(`SELECT name FROM "User" WHERE email = 'admin@demo.cvm'`)).rows[0].name).toBe("Sophie Turner");
    },
  );

  test("each sign-in is in the audit trail with who and from where", async () => {
    const viewer = demoUsers.find((u) => u.role === "viewer")!;
    const before = (await pool.query(`SELECT count(*)::int AS n FROM "AuditLog" WHERE action = 'user.sign_in' AND "actorId" = $1`, [viewer.id])).rows[0].n;
    await auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": "203.0.113.7", "user-agent": "Test browser" },
        body: JSON.stringify({ email: viewer.email, password: DEMO_PASSWORD }),
      }),
    );
    const { rows } = await pool.query(`SELECT "actorLabel", "entityId", after FROM "AuditLog" WHERE action = 'user.sign_in' AND "actorId" = $1 ORDER BY id DESC`, [viewer.id]);
    expect(rows).toHaveLength(before + 1);
    expect(rows[0]).toEqual({ actorLabel: "Oliver Bennett (viewer)", entityId: viewer.id, after: { ipAddress: "203.0.113.7", userAgent: "Test browser" } });
  });
});

describe("the session follows the user's row", () => {
  test("a role change applies to the next request of an open session", async () => {
    const marketer = demoUsers.find((u) => u.role === "marketer")!;
    const cookie = cookieOf(await signIn(marketer.email, DEMO_PASSWORD));
    await pool.query(`UPDATE "User" SET role = 'viewer' WHERE id = $1`, [marketer.id]);
    try {
      expect(actorOfSession(await sessionOf(cookie), { isDemo: true })?.role).toBe("viewer");
    } finally {
      await pool.query(`UPDATE "User" SET role = 'marketer' WHERE id = $1`, [marketer.id]);
    }
  });

  test("deactivating a user ends their sessions, and they cannot sign in again", async () => {
    const viewer = demoUsers.find((u) => u.role === "viewer")!;
    const cookie = cookieOf(await signIn(viewer.email, DEMO_PASSWORD));
    await updateUser(db.prisma, { actor: demoActor("admin"), input: { id: viewer.id, name: viewer.name, role: "viewer", isActive: false } });
    try {
      expect(await sessionOf(cookie)).toBeNull();
      const again = await signIn(viewer.email, DEMO_PASSWORD);
      expect(again.status).toBe(403);
      expect(await again.json()).toMatchObject({ message: DEACTIVATED_MESSAGE });
    } finally {
      await pool.query(`UPDATE "User" SET "isActive" = true WHERE id = $1`, [viewer.id]);
    }
  });

  test("signing out deletes the session row", async () => {
    const manager = demoUsers.find((u) => u.role === "manager")!;
    const cookie = cookieOf(await signIn(manager.email, DEMO_PASSWORD));
    const token = decodeURIComponent(cookie.split("=")[1]!).split(".")[0]!;
    expect((await pool.query(`SELECT count(*)::int AS n FROM "Session" WHERE token = $1`, [token])).rows[0].n).toBe(1);
    await auth.api.signOut({ headers: new Headers({ cookie, origin: ORIGIN }) });
    expect((await pool.query(`SELECT count(*)::int AS n FROM "Session" WHERE token = $1`, [token])).rows[0].n).toBe(0);
    expect(await sessionOf(cookie)).toBeNull();
  });

  test("a forged cookie is nobody", async () => {
    expect(await sessionOf("cvm.session_token=forged.value")).toBeNull();
    expect(actorOfSession(null, { isDemo: true })).toBeNull();
  });

  test("an unknown role in the row reads as signed out rather than as some role", () => {
    expect(actorOfSession({ user: { id: "x", name: "X", role: "owner", isActive: true } }, { isDemo: true })).toBeNull();
    expect(actorOfSession({ user: { id: "x", name: "X", role: "viewer", isActive: false } }, { isDemo: true })).toBeNull();
  });

  test("a demo account's session opened in demo mode is nobody once demo mode is off", () => {
    const admin = demoUsers.find((u) => u.role === "admin")!;
    const session = { user: { id: admin.id, name: admin.name, role: "admin", isActive: true } };
    expect(actorOfSession(session, { isDemo: true })).toEqual(demoActor("admin"));
    expect(actorOfSession(session, { isDemo: false })).toBeNull();
    expect(actorOfSession({ user: { id: "0b9e9d1e-1111-4222-8333-444455556666", name: "Real", role: "admin", isActive: true } }, { isDemo: false })).toMatchObject({ role: "admin" });
  });
});
