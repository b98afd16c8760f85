import { db } from "@/lib/db";
import { type ConstraintsSnapshot, listResourceGauges } from "@/lib/queries/constraints";

// Polled every second by the constraints screen's gauges: never cached.
export const dynamic = "force-dynamic";

/** Every resource's live capacity figures: `GET /api/constraints`. */
export async function GET() {
  try {
    const body: ConstraintsSnapshot = { resources: await listResourceGauges(db), asOf: new Date().toISOString() };
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("[api] GET /api/constraints failed", err);
    return Response.json({ message: "The capacity figures could not be read; try again shortly." }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}
