import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth/auth";
import { getEnv } from "@/lib/env";
import { getPool } from "@/lib/pool";

// Sign-in, sign-out and session reads of the sign-in library (`/api/auth/*`). Sign-up is off:
// administrators create accounts on the Users screen.
export const { GET, POST } = toNextJsHandler({ handler: (request: Request) => getAuth(getEnv(), getPool()).handler(request) });
