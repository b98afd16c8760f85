import { getAuth } from "@/lib/auth/auth";
import { getEnv } from "@/lib/env";
import { getPool } from "@/lib/pool";

// The sign-in library's routes this app uses, and no others: signing in and out, and reading the
// session. Accounts, names and passwords change on the Users screen, where they are checked and audited.
const ALLOWED = new Set(["POST /api/auth/sign-in/email", "POST /api/auth/sign-out", "GET /api/auth/get-session"]);

async function handle(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (!ALLOWED.has(`${request.method} ${pathname.replace(/\/$/, "")}`)) return Response.json({ message: "Not found." }, { status: 404 });
  return getAuth(getEnv(), getPool()).handler(request);
}

export const GET = handle;
export const POST = handle;
