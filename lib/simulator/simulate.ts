// Writes simulated outcomes for the decisions whose windows have closed by `now`: approved and
// overridden decisions (a contact attempt) and customers held out from a treatment (their
// baseline). Each run reveals more of the same fixed fate (contact and response after 2 days, the
// 30-day stay after 30, the 90-day one after 90), and never replaces an outcome another source
// reported. Outcomes land in the Outcome table, so the contact policy reads the responses.
import type pg from "pg";
import type { Channel } from "../agents/vocabulary";
import { OUTCOME_IMPORT_LOCK_KEY, UPSERT_SQL } from "../outcomes/import";
import { CONTACT_STATUSES_SQL } from "../pipeline/contact-statuses";
import { type SimulatedDecision, drawFate } from "./truth";

export const DEFAULT_SIMULATOR_SEED = 20_261_207;

const DAY_MS = 86_400_000;
/** Days after a decision when its contact and response are known. */
export const RESPONSE_AFTER_DAYS = 2;

const PENDING_SQL = `
  SELECT r.id::text AS id, r."customerId", COALESCE(r."treatmentKey", r."heldOutFrom") AS "treatmentKey", r."heldOutFrom" IS NOT NULL AS "isHeldOut",
         COALESCE(r."reviewedAt", r."createdAt") AS "decidedAt", t.channel::text AS channel, t.goal::text AS goal, t."expectedEffect" AS "catalogEffect",
         ci."churnRisk" AS "churnRisk", COALESCE(ci.patterns, '{}') AS patterns, c."monthlyRevenue"::float8 AS "monthlyRevenue"
    FROM "Recommendation" r
    JOIN "Customer" c ON c.id = r."customerId"
    JOIN "Treatment" t ON t.key = COALESCE(r."treatmentKey", r."heldOutFrom")
    LEFT JOIN "CustomerInsight" ci ON ci."customerId" = r."customerId"
    LEFT JOIN "Outcome" o ON o."recommendationId" = r.id
   WHERE ((r.status IN (${CONTACT_STATUSES_SQL}) AND r."treatmentKey" IS NOT NULL) OR r."heldOutFrom" IS NOT NULL)
     AND COALESCE(r."reviewedAt", r."createdAt") <= $1::timestamptz - make_interval(days => ${RESPONSE_AFTER_DAYS})
     AND (o.id IS NULL OR (o.source = 'simulator' AND o."stayed90d" IS NULL))`;

type PendingRow = Omit<SimulatedDecision, "channel"> & { id: string; customerId: string; decidedAt: Date; channel: string | null };

export type SimulationResult = { decisions: number; written: number; complete: number };

/**
 * Simulates outcomes for every decision `now` reveals something of, in one transaction on `client`
 * (which must not be in one). A fate is fixed by the seed, the customer, the treatment and the whole
 * days from `epoch` (default 1970-01-01, so calendar days) to the decision: a backtest that dates its
 * decisions from its own start passes that start, and meets the same fates whenever it is run.
 */
export async function simulateOutcomes(client: pg.ClientBase, opts: { now: Date; seed?: number; epoch?: Date }): Promise<SimulationResult> {
  const seed = opts.seed ?? DEFAULT_SIMULATOR_SEED;
  const epochMs = opts.epoch?.getTime() ?? 0;
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [OUTCOME_IMPORT_LOCK_KEY]);
    const { rows } = await client.query<PendingRow>(PENDING_SQL, [opts.now.toISOString()]);
    let complete = 0;
    const outcomes = rows.map((r) => {
      const fate = drawFate(seed, { ...r, channel: r.channel as Channel | null, day: Math.floor((r.decidedAt.getTime() - epochMs) / DAY_MS) });
      const age = (opts.now.getTime() - r.decidedAt.getTime()) / DAY_MS;
      const has30 = age >= 30;
      const has90 = age >= 90;
      if (has90) complete++;
      const shownDays = has90 ? 90 : has30 ? 30 : RESPONSE_AFTER_DAYS;
      return {
        recommendationId: r.id,
        contactMade: fate.contactMade,
        response: fate.response,
        stayed30d: has30 ? fate.stayed30d : null,
        stayed90d: has90 ? fate.stayed90d : null,
        revenueChangeGbp: has30 ? fate.revenueChangeGbp : null,
        source: "simulator",
        recordedAt: new Date(r.decidedAt.getTime() + shownDays * DAY_MS).toISOString(),
      };
    });
    for (let i = 0; i < outcomes.length; i += 2000) await client.query(UPSERT_SQL, [JSON.stringify(outcomes.slice(i, i + 2000))]);
    await client.query("COMMIT");
    return { decisions: rows.length, written: outcomes.length, complete };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
