import { exportCsv } from "@/lib/export/exports";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

export const dynamic = "force-dynamic";

/** CSV of the review queue as filtered by the same query string as its screen: `GET /api/export/review-queue?...`. */
export async function GET(request: Request) {
  return exportCsv({ pool: getPool(), actor: await getCurrentActor(), kind: "review-queue", searchParams: new URL(request.url).searchParams });
}
