// Outcomes sent by another system (POST /api/outcomes): checked by the same agent message as the
// file import, so a field is refused with the same words, and written all or nothing with one audit
// entry per decision naming the integration as the actor.
import type pg from "pg";
import { writeAudit } from "../audit/write";
import type { Actor } from "../auth/roles";
import { createEvaluationAgent } from "../agents/evaluation/evaluation-agent";
import type { Outcome, OutcomeSource } from "../agents/evaluation/outcome";
import { OUTCOME_IMPORT_LOCK_KEY, UPSERT_SQL } from "./import";

/** Outcomes one request may carry: a larger batch belongs in a file import. */
export const MAX_OUTCOMES_PER_REQUEST = 500;

/** The fields a caller may send for one outcome; the source is the route's to set. */
export const OUTCOME_FIELDS = ["recommendationId", "contactMade", "response", "stayed30d", "stayed90d", "revenueChangeGbp", "recordedAt"] as const;

/** A refusal pointing at a field of the body ("outcomes[2].response", or "body" for its shape). */
export type FieldProblem = { field: string; reason: string };

export type RecordOutcomesResult =
  | { ok: true; inserted: number; updated: number; outcomes: Outcome[] }
  | { ok: false; problems: FieldProblem[] };

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The outcomes of a body (one outcome, or `{ "outcomes": [...] }`) with the prefix naming each in errors. */
function itemsOf(body: unknown): { ok: true; items: { prefix: string; value: unknown }[] } | { ok: false; problem: FieldProblem } {
  const shape = `send one outcome as a JSON object, or several as { "outcomes": [ ... ] } (at most ${MAX_OUTCOMES_PER_REQUEST})`;
  if (!isPlainObject(body)) return { ok: false, problem: { field: "body", reason: shape } };
  if (!("outcomes" in body)) return { ok: true, items: [{ prefix: "", value: body }] };
  const extra = Object.keys(body).filter((k) => k !== "outcomes");
  if (extra.length > 0) return { ok: false, problem: { field: extra[0]!, reason: `is not expected beside outcomes; ${shape}` } };
  if (!Array.isArray(body.outcomes)) return { ok: false, problem: { field: "outcomes", reason: "must be a list of outcomes" } };
  if (body.outcomes.length === 0) return { ok: false, problem: { field: "outcomes", reason: "is empty: send at least one outcome" } };
  if (body.outcomes.length > MAX_OUTCOMES_PER_REQUEST) {
    return { ok: false, problem: { field: "outcomes", reason: `has ${body.outcomes.length} outcomes; at most ${MAX_OUTCOMES_PER_REQUEST} per request (use npm run outcomes:import for more)` } };
  }
  return { ok: true, items: body.outcomes.map((value, i) => ({ prefix: `outcomes[${i}].`, value })) };
}

/** Checks every outcome of `body`; nothing is written. Problems are listed in body order. */
export async function checkOutcomes(body: unknown, source: OutcomeSource): Promise<{ ok: true; outcomes: { field: string; outcome: Outcome }[] } | { ok: false; problems: FieldProblem[] }> {
  const read = itemsOf(body);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const agent = createEvaluationAgent();
  const problems: FieldProblem[] = [];
  const outcomes: { field: string; outcome: Outcome }[] = [];
  const seen = new Map<string, string>();
  for (const { prefix, value } of read.items) {
    const at = prefix.replace(/\.$/, "") || "body";
    if (!isPlainObject(value)) {
      problems.push({ field: at, reason: "must be an outcome (a JSON object)" });
      continue;
    }
    // Anything beyond an outcome's fields is refused rather than ignored: this route writes nothing else.
    const unknown = Object.keys(value).filter((k) => !(OUTCOME_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      problems.push({ field: `${prefix}${unknown[0]}`, reason: `is not an outcome field (expected ${OUTCOME_FIELDS.join(", ")}); this route records outcomes only` });
      continue;
    }
    const answer = await agent.process({ type: "record_outcome", outcome: { ...(value as object), source } as never });
    if (!answer.ok) {
      const field = (answer.error.field ?? "outcome").replace(/^outcome\.?/, "");
      problems.push({ field: `${prefix}${field}`.replace(/\.$/, "") || at, reason: answer.error.reason.replace(/^Invalid record_outcome message: /, "").replace(/^outcome\.\w+:? ?/, "") });
      continue;
    }
    if (answer.type !== "record_outcome") throw new Error(`record_outcome answered with ${answer.type}`);
    const earlier = seen.get(answer.data.recommendationId);
    if (earlier !== undefined) {
      problems.push({ field: `${prefix}recommendationId`, reason: `repeats the decision of ${earlier}; report each decision once per request` });
      continue;
    }
    seen.set(answer.data.recommendationId, at);
    outcomes.push({ field: `${prefix}recommendationId`, outcome: answer.data });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, outcomes };
}

const EXISTING_SQL = `
  SELECT r.id::text AS id,
         CASE WHEN o.id IS NULL THEN NULL ELSE jsonb_build_object('contactMade', o."contactMade", 'response', o.response, 'stayed30d', o."stayed30d",
           'stayed90d', o."stayed90d", 'revenueChangeGbp', o."revenueChangeGbp"::float8, 'source', o.source, 'recordedAt', o."recordedAt") END AS outcome
    FROM "Recommendation" r LEFT JOIN "Outcome" o ON o."recommendationId" = r.id
   WHERE r.id = ANY($1::uuid[])`;

/**
 * Checks and writes the outcomes of `body` in one transaction: all of them or, when any is refused
 * (a field, a repeat within the body, a decision we do not have), none. A decision reported before
 * is updated to the new report, so a system may resend; each write is audited as `actor`.
 */
export async function recordOutcomes(pool: pg.Pool, opts: { body: unknown; source: OutcomeSource; actor: Pick<Actor, "id" | "label"> }): Promise<RecordOutcomesResult> {
  const checked = await checkOutcomes(opts.body, opts.source);
  if (!checked.ok) return checked;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [OUTCOME_IMPORT_LOCK_KEY]);
    const ids = checked.outcomes.map((o) => o.outcome.recommendationId);
    const { rows } = await client.query<{ id: string; outcome: unknown }>(EXISTING_SQL, [ids]);
    const before = new Map(rows.map((r) => [r.id, r.outcome]));
    const missing = checked.outcomes.filter((o) => !before.has(o.outcome.recommendationId));
    if (missing.length > 0) {
      await client.query("ROLLBACK");
      return { ok: false, problems: missing.map((o) => ({ field: o.field, reason: `no decision has the id ${o.outcome.recommendationId}` })) };
    }
    const outcomes = checked.outcomes.map((o) => o.outcome);
    const written = await client.query<{ isInserted: boolean }>(UPSERT_SQL, [JSON.stringify(outcomes)]);
    for (const o of outcomes) {
      const { recommendationId, ...after } = o;
      await writeAudit(client, { actor: opts.actor, action: "outcome.record", entityType: "Recommendation", entityId: recommendationId, before: before.get(recommendationId) ?? null, after });
    }
    await client.query("COMMIT");
    const inserted = written.rows.filter((r) => r.isInserted).length;
    return { ok: true, inserted, updated: written.rows.length - inserted, outcomes };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
