// Actors of the seeded demo users (prisma/seed), for tests that act as each role.
import { demoUsers } from "./demo-users";
import { type Actor, type Role, actorLabel } from "./roles";

export function demoActor(role: Role): Actor {
  const user = demoUsers.find((u) => u.role === role);
  if (!user) throw new Error(`No demo user has the role ${role}`);
  return { id: user.id, label: actorLabel(user), role };
}

/** The demo manager, whom most tests act as. */
export const DEMO_ACTOR: Actor = demoActor("manager");
