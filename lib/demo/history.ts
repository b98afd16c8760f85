// Some weeks of history for a fresh demo, so the Evaluation screen has something to measure on the
// first start. One run of the deterministic policy decides for the history's customers through the
// real decide, allocate and review steps (with its standing control group), with the capacity of
// all its weeks; its decisions are then spread over weekly runs dated back to their week, capacity
// starts a new period with today's limits, and the simulator draws the outcomes as of now. One run
// rather than one a week keeps the start-up to seconds: each run has a fixed cost of its own.
import pg from "pg";
import { fmix32, mulberry32 } from "../agents/random";
import { loadCatalog } from "../pipeline/catalog";
import { resetConstraintPeriod } from "../pipeline/constraints";
import { createPgCapacityStore } from "../pipeline/pg-capacity-store";
import { reviewRecommendations } from "../pipeline/review";
import { createRun, executeRun } from "../pipeline/runs";
import { DEFAULT_SIMULATOR_SEED, simulateOutcomes } from "../simulator/simulate";

export type DemoHistoryOptions = {
  url: string;
  /** Weekly runs, the oldest this many weeks ago (default 26: the oldest 13 have their 90-day outcomes). */
  weeks?: number;
  /** Customers decided for over the whole history, the first by id (default 1,000: the pipeline's time is most of the history's). */
  customers?: number;
  /**
   * Share held out. The demo's history holds out more than a live desk would (default 0.15 against
   * CONTROL_GROUP_SHARE's 5%), so that lifts can be told apart within the weeks of a small demo.
   */
  controlGroupShare?: number;
  /** Share of the decisions awaiting review that were rejected (default 0.1); the rest were approved. */
  rejectShare?: number;
  seed?: number;
  now?: Date;
  /** Where the simulator counts decision days from (simulateOutcomes); calendar days when absent. */
  epoch?: Date;
  log?: (message: string) => void;
};

export type DemoHistoryResult = { runs: number; decisions: number; heldOut: number; outcomes: number; durationMs: number };

const DAY_MS = 86_400_000;
export const DEMO_HISTORY_CUSTOMERS = 1000;
const HISTORY_ACTOR = { id: null, label: "Demo history" } as const;

/** Writes the history into the demo at `url`, which must have its customers and catalog and no runs yet. */
export async function seedDemoHistory(opts: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const started = Date.now();
  const weeks = opts.weeks ?? 26;
  const now = opts.now ?? new Date();
  const seed = opts.seed ?? DEFAULT_SIMULATOR_SEED;
  const random = mulberry32(fmix32(seed));
  const pool = new pg.Pool({ connectionString: opts.url, max: 4, application_name: "cvm-demo-history" });
  pool.on("error", (err) => opts.log?.(`Demo history: an idle database connection failed (${err.message}); it will be replaced.`));
  try {
    const store = createPgCapacityStore(pool);
    const { rows: all } = await pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id LIMIT $1`, [Math.floor(opts.customers ?? DEMO_HISTORY_CUSTOMERS)]);
    if (all.length === 0) return { runs: 0, decisions: 0, heldOut: 0, outcomes: 0, durationMs: 0 };
    const { rows: limits } = await pool.query<{ key: string; limit: number }>(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`);
    // The history's weeks each had a period's capacity.
    await pool.query(`UPDATE "ResourceConstraint" SET "limit" = "limit" * $1::int`, [weeks]);
    const { runId, customerIds } = await createRun(pool, { scope: { customerIds: all.map((c) => c.id) }, policy: "rules" });
    const summary = await executeRun(pool, { runId, customerIds, policy: "rules", model: null, controlGroupShare: opts.controlGroupShare ?? 0.15 });
    if (!summary) throw new Error("The demo history's run failed");

    const { rows: pending } = await pool.query<{ id: string }>(`SELECT id FROM "Recommendation" WHERE "runId" = $1 AND status = 'pending_review' ORDER BY "customerId"`, [runId]);
    const rejected = new Set(pending.filter(() => random() < (opts.rejectShare ?? 0.1)).map((r) => r.id));
    const catalog = await loadCatalog(pool);
    const review = async (ids: string[], action: Parameters<typeof reviewRecommendations>[0]["action"]) => {
      for (let i = 0; i < ids.length; i += 500) await reviewRecommendations({ store, catalog, recommendationIds: ids.slice(i, i + 500), action, reviewer: HISTORY_ACTOR });
    };
    await review(pending.map((r) => r.id).filter((id) => !rejected.has(id)), { kind: "approve" });
    await review([...rejected], { kind: "reject", reason: "Not this week" });

    // Today's period starts afresh with today's limits: the history's contacts belong to its weeks.
    const { rows: resources } = await pool.query<{ key: string; periodStart: Date }>(`SELECT key, "periodStart" FROM "ResourceConstraint" WHERE used > held ORDER BY key`);
    for (const r of resources) {
      await resetConstraintPeriod({ store, actor: HISTORY_ACTOR, input: { resourceKey: r.key, expectedPeriodStart: r.periodStart.toISOString(), reason: "Demo history: its weeks are over" } });
    }
    for (const l of limits) await pool.query(`UPDATE "ResourceConstraint" SET "limit" = $2 WHERE key = $1`, [l.key, l.limit]);

    // In customer order, not by the decisions' random ids: the same seed spreads the same decisions over the same weeks.
    const { rows: decided } = await pool.query<{ id: string }>(`SELECT id FROM "Recommendation" WHERE "runId" = $1 ORDER BY "customerId"`, [runId]);
    const order = decided.map((d) => ({ id: d.id, u: random() })).sort((a, b) => a.u - b.u);
    for (let week = weeks; week >= 1; week--) {
      const slice = order.filter((_, i) => i % weeks === week - 1).map((d) => d.id);
      const at = new Date(now.getTime() - week * 7 * DAY_MS);
      // The first slice stays on the run that made it (its allocations point there); the others move to a run of their week.
      const weekRun =
        week === weeks
          ? runId
          : (
              await pool.query<{ id: string }>(
                `INSERT INTO "Run" (id, status, policy, scope, total, processed, options, "deadlineAt")
                 SELECT gen_random_uuid(), status, policy, '{}', $2, $2, options, "deadlineAt" FROM "Run" WHERE id = $1 RETURNING id`,
                [runId, slice.length],
              )
            ).rows[0]!.id;
      await pool.query(`UPDATE "Recommendation" SET "runId" = $2 WHERE id = ANY($1::uuid[])`, [slice, weekRun]);
      await pool.query(
        `UPDATE "Run" SET "createdAt" = $2::timestamptz, "startedAt" = $2::timestamptz, "finishedAt" = $2::timestamptz + interval '1 minute', total = $3, processed = $3,
                scope = (SELECT jsonb_build_object('customerIds', jsonb_agg("customerId" ORDER BY "customerId")) FROM "Recommendation" WHERE "runId" = $1) WHERE id = $1`,
        [weekRun, at, slice.length],
      );
      await pool.query(
        `UPDATE "Recommendation" SET "createdAt" = $2::timestamptz, "reviewedAt" = CASE WHEN "reviewedAt" IS NULL THEN NULL ELSE $2::timestamptz + interval '4 hours' END,
                "nextContactAt" = CASE WHEN "nextContactAt" IS NULL THEN NULL ELSE $2::timestamptz + interval '1 day' END WHERE id = ANY($1::uuid[])`,
        [slice, at],
      );
    }
    const { rows: counted } = await pool.query<{ n: number; held: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE "heldOutFrom" IS NOT NULL)::int AS held FROM "Recommendation"`);
    const client = await pool.connect();
    let outcomes = 0;
    try {
      outcomes = (await simulateOutcomes(client, { now, seed, ...(opts.epoch ? { epoch: opts.epoch } : {}) })).written;
    } finally {
      client.release();
    }
    const result = { runs: weeks, decisions: counted[0]!.n, heldOut: counted[0]!.held, outcomes, durationMs: Date.now() - started };
    opts.log?.(`Demo history: ${weeks} weekly runs, ${result.decisions.toLocaleString("en-GB")} decisions (${result.heldOut} held out), ${outcomes.toLocaleString("en-GB")} simulated outcomes in ${(result.durationMs / 1000).toFixed(1)} s.`);
    return result;
  } finally {
    await pool.end();
  }
}
