import "server-only";
// Sign-in with Better Auth: email and password (scrypt hashes in "Account"), sessions in the
// "Session" table, one signed http-only cookie per browser. Accounts are created by administrators
// (lib/auth/users.ts), never by sign-up. The role is read from "User" on every request, so a role
// change or a deactivation takes effect on the next click.
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import type pg from "pg";
import type { Env } from "../env";
import { demoUsers } from "../../prisma/seed/demo-users";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits";

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

export function createAuth(opts: AuthOptions) {
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
    advanced: { cookiePrefix: "cvm", useSecureCookies: opts.appUrl.startsWith("https:"), disableOriginCheck: false },
    rateLimit: { enabled: true, window: 60, max: 300, customRules: { "/sign-in/email": { window: 60, max: 20 } } },
    databaseHooks: {
      session: {
        create: {
          // A deactivated account proves its password and still gets no session.
          before: async (session) => {
            const { rows } = await opts.pool.query<{ isActive: boolean }>(`SELECT "isActive" FROM "User" WHERE id = $1`, [session.userId]);
            if (!rows[0]?.isActive) throw new APIError("FORBIDDEN", { message: DEACTIVATED_MESSAGE });
            if (!opts.isDemo && DEMO_USER_IDS.has(session.userId)) throw new APIError("FORBIDDEN", { message: DEMO_ONLY_MESSAGE });
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
  globalForAuth.cvmAuth = createAuth({ pool, secret: env.AUTH_SECRET, appUrl: env.APP_URL ?? `http://localhost:${env.PORT}`, port: env.PORT, isDemo: env.DEMO_MODE });
  return globalForAuth.cvmAuth;
}
