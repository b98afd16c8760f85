import { invalidateCustomerData } from "@/lib/agents/data/data-agent";
import { MAX_OUTCOMES_PER_REQUEST, recordOutcomes } from "@/lib/outcomes/record";
import { authenticateIntegration, integrationActor } from "@/lib/outcomes/tokens";
import { requestRefreshesFrom } from "@/lib/pipeline/launch";
import { getPool } from "@/lib/pool";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;
/** Enough for MAX_OUTCOMES_PER_REQUEST outcomes with room to spare; a larger body is not read. */
const MAX_BODY_BYTES = MAX_OUTCOMES_PER_REQUEST * 1024;

/**
 * Records outcomes for other systems: `POST /api/outcomes` with `Authorization: Bearer <token>`
 * (an integration token, not a session) and one outcome or `{ "outcomes": [...] }` as JSON.
 * All or nothing; a decision reported again is updated to the newer report. Answers 200 with the
 * counts, 400 with the refused fields, 401 for a missing, unknown or revoked token.
 */
export async function POST(request: Request) {
  const pool = getPool();
  const auth = await authenticateIntegration(pool, request.headers.get("authorization"));
  if (!auth.ok) return Response.json({ message: auth.reason }, { status: 401, headers: { ...NO_STORE, "WWW-Authenticate": 'Bearer realm="outcomes"' } });
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) return Response.json({ message: `The body is too large; send at most ${MAX_OUTCOMES_PER_REQUEST} outcomes per request.` }, { status: 413, headers: NO_STORE });
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) return Response.json({ message: `The body is too large; send at most ${MAX_OUTCOMES_PER_REQUEST} outcomes per request.` }, { status: 413, headers: NO_STORE });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json({ message: "The body is not JSON.", problems: [{ field: "body", reason: "is not JSON" }] }, { status: 400, headers: NO_STORE });
  }
  try {
    const result = await recordOutcomes(pool, { body, source: "integration", actor: integrationActor(auth.integration) });
    if (!result.ok) {
      const first = result.problems[0]!;
      return Response.json({ message: `Refused, nothing was recorded: ${first.field} ${first.reason}`, problems: result.problems }, { status: 400, headers: NO_STORE });
    }
    // A recorded answer changes the customer's contact history, which the contact policy reads.
    await invalidateCustomerData();
    // As after a file of outcomes: what treatments achieved is learned again, and the insights that read the history follow.
    await requestRefreshesFrom(pool, ["learnedEffects", "insights"]);
    return Response.json({ recorded: result.outcomes.length, inserted: result.inserted, updated: result.updated }, { headers: NO_STORE });
  } catch (err) {
    console.error(`[api] POST /api/outcomes from ${auth.integration.name} failed`, err);
    return Response.json({ message: "The outcomes could not be recorded; nothing was changed. Try again shortly." }, { status: 500, headers: NO_STORE });
  }
}
