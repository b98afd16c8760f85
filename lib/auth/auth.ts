import "server-only";
// Sign-in with Better Auth: email and password (scrypt hashes in "Account"), sessions in the
// "Session" table, one signed http-only cookie per browser. Accounts are created by administrators
// (lib/auth/users.ts), never by sign-up. The role is read from "User" on every request, so a role
// change or a deactivation takes effect on the next click.
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import type pg from "pg";
import type { Env } from "../env";
import { demoUsers } from "./demo-users";
import { writeAudit } from "../audit/write";
import { createAttemptLimiter } from "./attempts";
import { type Role, actorLabel } from "./roles";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, SESSION_COOKIE_PREFIX } from "./limits";

/** A session lasts 12 hours from the last request that renewed it (renewed at most hourly). */
const SESSION_SECONDS = 12 * 60 * 60;

export const DEACTIVATED_MESSAGE = "This account is deactivated; ask an administrator.";

export const DEMO_ONLY_MESSAGE = "Demo accounts sign in in demo mode only; ask an administrator for an account.";

export type AuthOptions = {
  pool: pg.Pool;
  secret: string;
  appUrl: string;
  port: number;
  /** Outside demo mode the seeded demo accounts (whose password is public) cannot sign in. */
  isDemo: boolean;
};

const DEMO_USER_IDS = new Set<string>(demoUsers.map((u) => u.id));

/** True for the seeded demo accounts, whose password is public. */
export const isDemoUser = (id: string) => DEMO_USER_IDS.has(id);

export const TOO_MANY_ATTEMPTS_MESSAGE = "Too many sign-in attempts; wait a few minutes and try again.";

// Everything of the library's HTTP surface but signing in, signing out and reading the session:
// accounts, names and passwords change on the Users screen, where they are checked and audited.
export const DISABLED_AUTH_PATHS = [
  "/sign-up/email",
  "/sign-in/social",
  "/update-user",
  "/change-password",
  "/set-password",
  "/change-email",
  "/delete-user",
  "/delete-user/callback",
  "/request-password-reset",
  "/reset-password",
  "/send-verification-email",
  "/verify-email",
  "/list-sessions",
  "/revoke-session",
  "/revoke-sessions",
  "/revoke-other-sessions",
  "/update-session",
  "/link-social",
  "/unlink-account",
  "/list-accounts",
  "/account-info",
  "/refresh-token",
  "/get-access-token",
];

function clientAddress(headers: Headers | undefined): string {
  return headers?.get("x-forwarded-for")?.split(",")[0]?.trim() || headers?.get("x-real-ip") || "unknown";
}

export function createAuth(opts: AuthOptions) {
  // At most 10 attempts per account and 100 per address in 15 minutes, for the sign-in form's
  // server action and the HTTP route alike (the library's own limiter sees only the latter), counted
  // in the database so that every server process shares them.
  const perAccount = createAttemptLimiter({ pool: opts.pool, name: "account", max: 10, windowMs: 15 * 60_000 });
  const perAddress = createAttemptLimiter({ pool: opts.pool, name: "address", max: 100, windowMs: 15 * 60_000 });
  const origins = new Set([new URL(opts.appUrl).origin, `http://localhost:${opts.port}`, `http://127.0.0.1:${opts.port}`]);
  return betterAuth({
    appName: "CVM Treatment Desk",
    baseURL: opts.appUrl,
    secret: opts.secret,
    trustedOrigins: [...origins],
    database: opts.pool,
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: MAX_PASSWORD_LENGTH },
    user: {
      modelName: "User",
      additionalFields: {
        role: { type: "string", input: false, required: false },
        isActive: { type: "boolean", input: false, required: false },
      },
    },
    session: { modelName: "Session", expiresIn: SESSION_SECONDS, updateAge: 60 * 60 },
    account: { modelName: "Account" },
    verification: { modelName: "Verification" },
    // Origins are checked in every environment, tests included (the library would skip them under test).
    advanced: { cookiePrefix: SESSION_COOKIE_PREFIX, useSecureCookies: opts.appUrl.startsWith("https:"), disableOriginCheck: false },
    rateLimit: { enabled: true, window: 60, max: 300, customRules: { "/sign-in/email": { window: 60, max: 20 } } },
    disabledPaths: DISABLED_AUTH_PATHS,
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = String((ctx.body as { email?: unknown } | undefined)?.email ?? "").trim().toLowerCase();
        const address = clientAddress(ctx.headers);
        // The address first: a refused address then uses up none of the account's tries.
        if (!(await perAddress.hit([`ip:${address}`])) || !(await perAccount.hit([`email:${email}`]))) {
          throw new APIError("TOO_MANY_REQUESTS", { message: TOO_MANY_ATTEMPTS_MESSAGE });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email" || !ctx.context.newSession) return;
        await perAccount.clear(`email:${ctx.context.newSession.user.email.toLowerCase()}`);
      }),
    },
    databaseHooks: {
      session: {
        create: {
          // A deactivated account proves its password and still gets no session.
          before: async (session) => {
            const { rows } = await opts.pool.query<{ isActive: boolean }>(`SELECT "isActive" FROM "User" WHERE id = $1`, [session.userId]);
            if (!rows[0]?.isActive) throw new APIError("FORBIDDEN", { message: DEACTIVATED_MESSAGE });
            if (!opts.isDemo && DEMO_USER_IDS.has(session.userId)) throw new APIError("FORBIDDEN", { message: DEMO_ONLY_MESSAGE });
          },
          // Who signed in, when and from where, in the audit trail with every other change.
          after: async (session) => {
            const { rows } = await opts.pool.query<{ name: string; role: Role }>(`SELECT name, role::text AS role FROM "User" WHERE id = $1`, [session.userId]);
            const user = rows[0];
            if (!user) return;
            await writeAudit(opts.pool, {
              actor: { id: session.userId, label: actorLabel(user) },
              action: "user.sign_in",
              entityType: "User",
              entityId: session.userId,
              before: null,
              after: { ipAddress: session.ipAddress || null, userAgent: session.userAgent ? String(session.userAgent).slice(0, 200) : null },
            });
          },
        },
      },
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { cvmAuth?: Auth };

/** The server process's one sign-in service; built on first use so `next build` needs no secret. */
export function getAuth(env: Env, pool: pg.Pool): Auth {
  if (globalForAuth.cvmAuth) return globalForAuth.cvmAuth;
  if (!env.AUTH_SECRET) throw new Error("AUTH_SECRET is not set: start the app with `npm start`, which provides one, or set it (32 characters or more).");
  globalForAuth.cvmAuth = createAuth({ pool, secret: env.AUTH_SECRET, appUrl: env.APP_URL ?? `http://localhost:${env.PORT}`, port: env.PORT, isDemo: env.DEMO_MODE === true });
  return globalForAuth.cvmAuth;
}
