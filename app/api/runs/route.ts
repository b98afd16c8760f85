import { SIGN_IN_REQUIRED } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listRunDetails, toRunDetailJson } from "@/lib/queries/runs";
import { parsePageParams } from "@/lib/validations/list-params";
import { getCurrentActor } from "@/lib/session/actor";

// Polled by the runs screen while a run is in progress: never cached.
export const dynamic = "force-dynamic";

/** One page of runs, newest first, with progress and summaries: `GET /api/runs?page=N`. */
export async function GET(request: Request) {
  // Every role reads the runs; nobody signed out does.
  if (!(await getCurrentActor())) return Response.json({ message: SIGN_IN_REQUIRED }, { status: 401, headers: { "Cache-Control": "no-store" } });
  const { page } = parsePageParams(Object.fromEntries(new URL(request.url).searchParams));
  try {
    const result = await listRunDetails(db, { page });
    return Response.json({ ...result, rows: result.rows.map(toRunDetailJson) }, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("[api] GET /api/runs failed", err);
    return Response.json({ message: "The runs could not be read; try again shortly." }, { status: 500 });
  }
}
