import { SIGN_IN_REQUIRED } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { type ConstraintsSnapshot, listResourceGauges } from "@/lib/queries/constraints";
import { getCurrentActor } from "@/lib/session/actor";

// Polled every second by the constraints screen's gauges: never cached.
export const dynamic = "force-dynamic";

/** Every resource's live capacity figures: `GET /api/constraints`. */
export async function GET() {
  // Every role reads the figures; nobody signed out does.
  if (!(await getCurrentActor())) return Response.json({ message: SIGN_IN_REQUIRED }, { status: 401, headers: { "Cache-Control": "no-store" } });
  try {
    const body: ConstraintsSnapshot = { resources: await listResourceGauges(db), asOf: new Date().toISOString() };
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("[api] GET /api/constraints failed", err);
    return Response.json({ message: "The capacity figures could not be read; try again shortly." }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}
