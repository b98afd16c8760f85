// The demo accounts, one per role: the sign-in page lists them and sign-in refuses them outside
// demo mode; the seed writes them. Their password is public, so they exist for demos only.
import type { Role } from "./roles";

type DemoUser = { id: string; email: string; name: string; role: Role };

/** One demo user per role, each signing in with DEMO_PASSWORD. Fixed ids so tests can refer to them. */
export const demoUsers = [
  { id: "00000000-0000-4000-8000-000000000001", email: "viewer@demo.cvm", name: "Oliver Bennett", role: "viewer" },
  { id: "00000000-0000-4000-8000-000000000002", email: "marketer@demo.cvm", name: "Amira Khan", role: "marketer" },
  { id: "00000000-0000-4000-8000-000000000003", email: "manager@demo.cvm", name: "Gareth Lloyd", role: "manager" },
  { id: "00000000-0000-4000-8000-000000000004", email: "admin@demo.cvm", name: "Sophie Turner", role: "admin" },
] as const satisfies readonly DemoUser[];

/** The demo accounts' password, shown on the sign-in page in demo mode only. */
export const DEMO_PASSWORD = "cvm-demo-2026";
