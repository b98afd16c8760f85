// Who is acting: every mutation records an actor in the audit log and on what it changes.
export type Role = "viewer" | "marketer" | "manager" | "admin";

export type Actor = {
  /** The user's id; null for the command line and background work. */
  id: string | null;
  /** How the audit log names the actor ("Amira Khan (marketer)"). */
  label: string;
  role: Role;
};

/** The seeded demo manager, who acts for every request until sign-in exists. */
export const DEMO_ACTOR: Actor = { id: "00000000-0000-4000-8000-000000000003", label: "Gareth Lloyd (manager)", role: "manager" };

/** The actor of the current request. */
export async function getCurrentActor(): Promise<Actor> {
  return DEMO_ACTOR;
}
