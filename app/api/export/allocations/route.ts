import { exportCsv } from "@/lib/export/exports";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

export const dynamic = "force-dynamic";

/** CSV of the allocation history as filtered by the same query string as its screen: `GET /api/export/allocations?...`. */
export async function GET(request: Request) {
  return exportCsv({ pool: getPool(), actor: await getCurrentActor(), kind: "allocations", searchParams: new URL(request.url).searchParams });
}
