import "server-only";
// The actor of the current request, from its session cookie. Server actions and route handlers
// pass it to `authorize` themselves: a request crafted by hand is refused as the UI would refuse it.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getAuth, isDemoUser } from "../auth/auth";
import { type Actor, type Role, ROLES, actorLabel } from "../auth/roles";
import { getEnv } from "../env";
import { getPool } from "../pool";

export type { Actor, Role } from "../auth/roles";

/** The signed-in, active user of this request, or null; read once per request. */
export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  // Headers first: reading them marks the render dynamic before any database or secret is touched.
  const requestHeaders = await headers();
  const env = getEnv();
  const session = await getAuth(env, getPool()).api.getSession({ headers: requestHeaders });
  return actorOfSession(session, { isDemo: env.DEMO_MODE === true });
});

/**
 * An actor from a session as the sign-in library answers it; null unless the user is active with a
 * known role. Outside demo mode a demo account's session (opened while demo mode was on) is nobody.
 */
export function actorOfSession(
  session: { user: { id: string; name: string; role?: unknown; isActive?: unknown } } | null,
  opts: { isDemo: boolean },
): Actor | null {
  if (!session) return null;
  const { id, name, role, isActive } = session.user;
  if (isActive === false || !ROLES.includes(role as Role)) return null;
  if (!opts.isDemo && isDemoUser(id)) return null;
  return { id, label: actorLabel({ name, role: role as Role }), role: role as Role };
}

/** For pages: the signed-in actor, or a redirect to the sign-in page. */
export async function requireSignedIn(): Promise<Actor> {
  const actor = await getCurrentActor();
  if (!actor) redirect("/sign-in");
  return actor;
}
