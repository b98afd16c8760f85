// Who may do what. One table of permissions, read by every server action and route handler (which
// refuse on their own, whatever the UI showed) and by the screens (which show only what is allowed).
import { AppError } from "../errors";

export type Role = "viewer" | "marketer" | "manager" | "admin";

export const ROLES: readonly Role[] = ["viewer", "marketer", "manager", "admin"];

/** Who is acting: every mutation records an actor in the audit log and on what it changes. */
export type Actor = {
  /** The user's id; null for the command line and background work. */
  id: string | null;
  /** How the audit log names the actor ("Amira Khan (marketer)"). */
  label: string;
  role: Role;
};

export const ROLE_LABELS: Record<Role, string> = { viewer: "Viewer", marketer: "Marketer", manager: "Manager", admin: "Administrator" };

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Reads every screen; changes nothing.",
  marketer: "Runs the pipeline and reviews recommendations: approve, reject, override.",
  manager: "Everything a marketer does, plus limits, reserved shares, period resets, the treatment catalog, experiments and imports.",
  admin: "Everything a manager does, plus users and their roles.",
};

const REVIEWERS = ["marketer", "manager", "admin"] as const;
const MANAGERS = ["manager", "admin"] as const;

/** Each permission, the roles that hold it, and how a refusal is worded. */
export const PERMISSIONS = {
  "runs.start": { roles: REVIEWERS, refusal: "Only marketers, managers and administrators may run the pipeline." },
  "runs.cancel": { roles: REVIEWERS, refusal: "Only marketers, managers and administrators may cancel runs." },
  "recommendations.review": { roles: REVIEWERS, refusal: "Only marketers, managers and administrators may review recommendations." },
  "constraints.manage": { roles: MANAGERS, refusal: "Only managers and administrators may change limits, reserved shares or periods." },
  "catalog.manage": { roles: MANAGERS, refusal: "Only managers and administrators may edit the treatment catalog." },
  "contact_policy.manage": { roles: MANAGERS, refusal: "Only managers and administrators may change the contact policy." },
  "imports.run": { roles: MANAGERS, refusal: "Only managers and administrators may import data." },
  "segments.manage": { roles: MANAGERS, refusal: "Only managers and administrators may save, change or delete segments." },
  // An experiment decides which strategy and how much of each resource a share of every run's
  // customers gets: the same stake as capacity, so the same roles, under a name of its own.
  "experiments.manage": { roles: MANAGERS, refusal: "Only managers and administrators may start or stop experiments." },
  "demo.reset": { roles: MANAGERS, refusal: "Only managers and administrators may reset the demo." },
  "users.manage": { roles: ["admin"], refusal: "Only administrators may manage users and roles." },
} as const satisfies Record<string, { roles: readonly Role[]; refusal: string }>;

export type Permission = keyof typeof PERMISSIONS;

/** True when `role` holds `permission`; nobody signed out holds any. */
export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

/** Every permission a role holds, for the screens to decide what to show. */
export function permissionsOf(role: Role | null | undefined): Record<Permission, boolean> {
  return Object.fromEntries(Object.keys(PERMISSIONS).map((p) => [p, can(role, p as Permission)])) as Record<Permission, boolean>;
}

export const SIGN_IN_REQUIRED = "Your session has ended; sign in again.";

/** The actor when signed in and allowed; otherwise an AppError (`unauthenticated` or `forbidden`) a user may read. */
export function authorize(actor: Actor | null, permission?: Permission): Actor {
  if (!actor) throw new AppError({ code: "unauthenticated", userMessage: SIGN_IN_REQUIRED });
  if (permission && !can(actor.role, permission)) throw new AppError({ code: "forbidden", userMessage: PERMISSIONS[permission].refusal });
  return actor;
}

export function actorLabel(user: { name: string; role: Role }): string {
  return `${user.name} (${user.role})`;
}
