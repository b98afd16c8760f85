// The backtest: daily runs over simulated outcomes on a throw-away database, in two worlds that
// start from the same demo and its history and see the same customers on the same days. One
// refreshes the learned effects from its outcomes before each run; the other keeps deciding with
// the catalog's effects. Each day's run is reviewed (every proposal approved), dated to its day,
// and the simulator reveals what that day allows. Value is the ground truth's expected value of the
// approved treatments (customers kept × lifetime value − contact cost), so chance draws do not
// decide which world "earned" more; the lift intervals are judged against the truth's lift.
import pg from "pg";
import { seedDemo } from "../../prisma/seed/index";
import { type EffectCatalogEntry, catalogUplift } from "../agents/evaluation/learn-effects";
import { createEvaluationAgent } from "../agents/evaluation/evaluation-agent";
import type { OutcomeRow } from "../agents/evaluation/messages";
import { fmix32, mulberry32 } from "../agents/random";
import type { Channel } from "../agents/vocabulary";
import { seedDemoHistory } from "./history";
import { type DecisionValue, type PairedChoices, pairChoices } from "./paired-choices";
import { loadCatalog } from "../pipeline/catalog";
import { refreshLearnedEffects } from "../pipeline/learned-effects";
import { createPgCapacityStore } from "../pipeline/pg-capacity-store";
import { resetConstraintPeriod } from "../pipeline/constraints";
import { reviewRecommendations } from "../pipeline/review";
import { createRun, executeRun } from "../pipeline/runs";
import { startScratchServer } from "../simulator/scratch-database";
import { DEFAULT_SIMULATOR_SEED, simulateOutcomes } from "../simulator/simulate";
import { CONTACT_RATE, type SimulatedDecision, baselineChurn90, stayProbability, trueEffect } from "../simulator/truth";

export type BacktestOptions = {
  days: number;
  customers: number;
  /** Customers decided for each day, drawn afresh, the same in both worlds (default 40). */
  perDay?: number;
  /**
   * Days one run decides for, with that many days' customers and capacity (default 3). The 90-day
   * outcomes the learned world learns from ripen once a week, so deciding every third day changes
   * what either world knows very little and saves two thirds of the runs' fixed cost.
   */
  daysPerRun?: number;
  /** Share of each day's customers held out (default 0.2: enough held out to measure in weeks). */
  controlGroupShare?: number;
  seed?: number;
  log?: (m: string) => void;
};

/** `isReliable`: the Evaluation agent calls the interval reliable (5 or more stayed and left in each group). */
export type TreatmentCoverage = { treatmentKey: string; treated: number; control: number; trueLift: number; low: number; high: number; isCovered: boolean; isReliable: boolean };

/** A learned effect as the learned world last refreshed it, beside the simulator's truth for the same treated customers. */
export type EffectComparison = {
  treatmentKey: string;
  patternKey: string;
  catalogEffect: number;
  learnedEffect: number;
  /** What the policy applies to these customers on average: a base row plus each one's catalog uplift; a pattern row as it is. */
  appliedEffect: number;
  /** Relative reduction of 90-day churn the decision to treat really bought them (contact rate × true effect, weighted by baseline churn). */
  trueEffect: number;
  outcomes: number;
  hasEnoughEvidence: boolean;
};

/** How often each world chose a treatment (held-out customers count for the one they would have had). */
export type TreatmentChoices = { treatmentKey: string; learned: number; catalog: number };

export type BacktestResult = {
  days: number;
  customers: number;
  seed: number;
  decisions: { learned: number; catalog: number };
  valueGbp: { learned: number; catalog: number };
  choices: TreatmentChoices[];
  paired: PairedChoices;
  learnedEffectsInUse: number;
  coverage: TreatmentCoverage[];
  effects: EffectComparison[];
  durationMs: number;
};

const DAY_MS = 86_400_000;
const ACTOR = { id: null, label: "Backtest" } as const;

type World = { name: "learned" | "catalog"; pool: pg.Pool };

/** Runs the backtest on its own ephemeral PostgreSQL and removes it afterwards. */
export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? DEFAULT_SIMULATOR_SEED;
  const share = opts.controlGroupShare ?? 0.2;
  const today = new Date();
  const start = new Date(today.getTime() - opts.days * DAY_MS);
  const server = await startScratchServer({ name: "backtest" });
  const worlds: World[] = [];
  try {
    const baseUrl = await server.create("backtest_base");
    await seedDemo({ url: baseUrl, customers: opts.customers, anchor: start });
    // The history before day 0 gives the learned world outcomes to learn from on its first day.
    // A year of weekly history: three quarters of it old enough for its 90-day outcomes.
    const history = await seedDemoHistory({ url: baseUrl, customers: opts.customers, weeks: 52, now: start, epoch: start, seed, controlGroupShare: share });
    log(`Seeded ${opts.customers} customers and ${history.decisions} decisions of history (${history.outcomes} outcomes) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    for (const name of ["learned", "catalog"] as const) {
      const pool = new pg.Pool({ connectionString: await server.copy("backtest_base", `backtest_${name}`), max: 4 });
      // The server is stopped at the end with connections possibly idle in the pool: not an error of the backtest.
      pool.on("error", () => {});
      worlds.push({ name, pool });
    }

    const { rows: customerRows } = await worlds[0]!.pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id`);
    const ids = customerRows.map((c) => c.id);
    const random = mulberry32(fmix32(seed ^ 0x5eed));
    const phaseMs: Record<string, number> = {};
    const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
      const t0 = Date.now();
      try {
        return await work();
      } finally {
        phaseMs[phase] = (phaseMs[phase] ?? 0) + Date.now() - t0;
      }
    };
    const step = Math.max(1, Math.floor(opts.daysPerRun ?? 3));
    const { rows: limits } = await worlds[0]!.pool.query<{ key: string; limit: number }>(`SELECT key, "limit" FROM "ResourceConstraint" ORDER BY key`);
    let lastLogged = 0;
    for (let day = 0; day < opts.days; day += step) {
      const at = new Date(start.getTime() + day * DAY_MS);
      const span = Math.min(step, opts.days - day);
      const perDay = opts.perDay ?? 40;
      const sample = ids.filter(() => random() < Math.min(1, (perDay * span) / ids.length));
      // The worlds share nothing but the server: deciding them side by side keeps both cores busy.
      await Promise.all(
        worlds.map(async (world) => {
          await timed("simulate", async () => {
            const client = await world.pool.connect();
            try {
              await simulateOutcomes(client, { now: at, seed, epoch: start });
            } finally {
              client.release();
            }
          });
          // Every run's outcomes teach something within days (contacts made, then 30-day stays): learn before each run.
          if (world.name === "learned") await timed("refresh", () => refreshLearnedEffects(world.pool, { now: at }));
          if (sample.length > 0) await decideDays(world.pool, { customerIds: sample, at, share, timed, span, limits });
        }),
      );
      const done = day + span;
      if (done - lastLogged >= 10 || done === opts.days) {
        lastLogged = done;
        const phases = Object.entries(phaseMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} s`).join(", ");
        log(`Day ${done} of ${opts.days} (${((Date.now() - started) / 1000).toFixed(0)} s; both worlds' time in ${phases}).`);
      }
    }
    const effects = await compareEffects(worlds[0]!.pool);
    // Whatever the last day's windows reveal, then the 90 days after it for the lift.
    for (const world of worlds) {
      const client = await world.pool.connect();
      try {
        await simulateOutcomes(client, { now: new Date(today.getTime() + 91 * DAY_MS), seed, epoch: start });
      } finally {
        client.release();
      }
    }
    const [learned, catalog] = worlds as [World, World];
    const learnedInUse = (await learned.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "LearnedEffect" WHERE "hasEnoughEvidence"`)).rows[0]!.n;
    const learnedValues = await decisionValues(learned.pool, start);
    const catalogValues = await decisionValues(catalog.pool, start);
    return {
      days: opts.days,
      customers: opts.customers,
      seed,
      decisions: { learned: await countDecisions(learned.pool, start), catalog: await countDecisions(catalog.pool, start) },
      valueGbp: { learned: totalValue(learnedValues), catalog: totalValue(catalogValues) },
      choices: countChoices(learnedValues, catalogValues),
      paired: pairChoices(learnedValues, catalogValues),
      learnedEffectsInUse: learnedInUse,
      coverage: await liftCoverage(learned.pool, start),
      effects,
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all(worlds.map((w) => w.pool.end().catch(() => {})));
    await server.stop();
  }
}

/** One run for `span` days: with their capacity, every proposal approved, dated to its first day, capacity freed for the next. */
async function decideDays(
  pool: pg.Pool,
  opts: { customerIds: string[]; at: Date; share: number; span: number; limits: readonly { key: string; limit: number }[]; timed: <T>(phase: string, work: () => Promise<T>) => Promise<T> },
): Promise<void> {
  if (opts.span > 1) await pool.query(`UPDATE "ResourceConstraint" SET "limit" = "limit" * $1::int`, [opts.span]);
  const { runId, customerIds } = await createRun(pool, { scope: { customerIds: opts.customerIds }, policy: "rules" });
  const summary = await opts.timed("run", () => executeRun(pool, { runId, customerIds, policy: "rules", model: null, controlGroupShare: opts.share }));
  if (!summary) throw new Error(`The backtest's run of ${opts.at.toISOString().slice(0, 10)} failed`);
  const { rows: pending } = await pool.query<{ id: string }>(`SELECT id FROM "Recommendation" WHERE "runId" = $1 AND status = 'pending_review'`, [runId]);
  const store = createPgCapacityStore(pool);
  if (pending.length > 0) {
    await opts.timed("review", async () => reviewRecommendations({ store, catalog: await loadCatalog(pool), recommendationIds: pending.map((r) => r.id), action: { kind: "approve" }, reviewer: ACTOR }));
  }
  await pool.query(`UPDATE "Run" SET "createdAt" = $2::timestamptz, "startedAt" = $2::timestamptz, "finishedAt" = $2::timestamptz WHERE id = $1`, [runId, opts.at]);
  await pool.query(`UPDATE "Recommendation" SET "createdAt" = $2::timestamptz, "reviewedAt" = CASE WHEN "reviewedAt" IS NULL THEN NULL ELSE $2::timestamptz END WHERE "runId" = $1`, [runId, opts.at]);
  const { rows: resources } = await pool.query<{ key: string; periodStart: Date }>(`SELECT key, "periodStart" FROM "ResourceConstraint" WHERE used > held`);
  await opts.timed("reset", async () => {
    for (const r of resources) await resetConstraintPeriod({ store, actor: ACTOR, input: { resourceKey: r.key, expectedPeriodStart: r.periodStart.toISOString(), reason: "Backtest: the next day" } });
  });
  if (opts.span > 1) await pool.query(`UPDATE "ResourceConstraint" r SET "limit" = l."limit" FROM unnest($1::text[], $2::int[]) AS l(key, "limit") WHERE r.key = l.key`, [opts.limits.map((l) => l.key), opts.limits.map((l) => l.limit)]);
}

const DECISIONS_SQL = `
  SELECT r.id::text AS id, COALESCE(r."treatmentKey", r."heldOutFrom") AS "treatmentKey", r."heldOutFrom" IS NOT NULL AS "isHeldOut",
         t.channel::text AS channel, t.goal, t."expectedEffect" AS "catalogEffect", t."costPerContact"::float8 AS cost,
         ci."churnRisk" AS "churnRisk", COALESCE(ci.patterns, '{}') AS patterns, c."monthlyRevenue"::float8 AS "monthlyRevenue",
         COALESCE(ci."lifetimeValue"::float8, 0) AS "lifetimeValue", o."stayed90d"
    FROM "Recommendation" r
    JOIN "Customer" c ON c.id = r."customerId"
    JOIN "Treatment" t ON t.key = COALESCE(r."treatmentKey", r."heldOutFrom")
    LEFT JOIN "CustomerInsight" ci ON ci."customerId" = r."customerId"
    LEFT JOIN "Outcome" o ON o."recommendationId" = r.id
   WHERE r."createdAt" >= $1 AND ((r.status IN ('approved', 'overridden') AND r."treatmentKey" IS NOT NULL) OR r."heldOutFrom" IS NOT NULL)`;

type DecisionRow = Omit<SimulatedDecision, "channel"> & { id: string; channel: string | null; cost: number; lifetimeValue: number; stayed90d: boolean | null };

async function decisionsSince(pool: pg.Pool, since: Date): Promise<DecisionRow[]> {
  return (await pool.query<DecisionRow>(DECISIONS_SQL, [since])).rows;
}

async function countDecisions(pool: pg.Pool, since: Date): Promise<number> {
  return (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "createdAt" >= $1`, [since])).rows[0]!.n;
}

const asDecision = (r: DecisionRow): SimulatedDecision => ({ ...r, channel: r.channel as Channel | null });

/** Every decision made since `since`, keyed by customer and day, with what it was worth under the truth in GBP. */
async function decisionValues(pool: pg.Pool, since: Date): Promise<Map<string, DecisionValue>> {
  const treated = new Map((await decisionsSince(pool, since)).map((r) => [r.id, r]));
  const { rows } = await pool.query<{ id: string; customerId: string; createdAt: Date; treatmentKey: string | null; fates: DecisionValue["fates"] | null }>(
    `SELECT id::text AS id, "customerId", "createdAt", COALESCE("treatmentKey", "heldOutFrom") AS "treatmentKey", fates FROM "Recommendation" WHERE "createdAt" >= $1 AND status <> 'superseded'`,
    [since],
  );
  const out = new Map<string, DecisionValue>();
  for (const r of rows) {
    const t = treated.get(r.id);
    const isTreated = t !== undefined && !t.isHeldOut;
    const kept = isTreated ? stayProbability(asDecision(t)) - (1 - baselineChurn90(t.churnRisk)) : 0;
    out.set(`${r.customerId}@${r.createdAt.toISOString()}`, { key: r.customerId, treatmentKey: r.treatmentKey ?? "", isTreated, valueGbp: isTreated ? kept * t.lifetimeValue - t.cost : 0, fates: r.fates ?? [] });
  }
  return out;
}

const totalValue = (values: ReadonlyMap<string, DecisionValue>) => Math.round([...values.values()].reduce((s, v) => s + v.valueGbp, 0) * 100) / 100;

function countChoices(learned: ReadonlyMap<string, DecisionValue>, catalog: ReadonlyMap<string, DecisionValue>): TreatmentChoices[] {
  const counts = new Map<string, TreatmentChoices>();
  const add = (values: ReadonlyMap<string, DecisionValue>, world: "learned" | "catalog") => {
    for (const v of values.values()) {
      const key = v.treatmentKey || "(no action)";
      const c = counts.get(key) ?? { treatmentKey: key, learned: 0, catalog: 0 };
      c[world]++;
      counts.set(key, c);
    }
  };
  add(learned, "learned");
  add(catalog, "catalog");
  return [...counts.values()].sort((a, b) => b.learned + b.catalog - (a.learned + a.catalog));
}

/** Per treatment with 10 outcomes each side: does the 95% interval of the measured lift cover the truth's? */
async function liftCoverage(pool: pg.Pool, since: Date): Promise<TreatmentCoverage[]> {
  const agent = createEvaluationAgent();
  const groups = new Map<string, { treated: OutcomeRow[]; control: OutcomeRow[]; truth: number[] }>();
  for (const r of await decisionsSince(pool, since)) {
    if (r.stayed90d === null) continue;
    let g = groups.get(r.treatmentKey);
    if (!g) groups.set(r.treatmentKey, (g = { treated: [], control: [], truth: [] }));
    const row = { stayed30d: null, stayed90d: r.stayed90d, revenueChangeGbp: null };
    if (r.isHeldOut) g.control.push(row);
    else {
      g.treated.push(row);
      // The lift this very customer would have had over being held out.
      g.truth.push(stayProbability(asDecision(r)) - (1 - baselineChurn90(r.churnRisk)));
    }
  }
  const out: TreatmentCoverage[] = [];
  for (const [treatmentKey, g] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (g.treated.length < 10 || g.control.length < 10) continue;
    const answer = await agent.process({ type: "evaluate", label: treatmentKey, treated: g.treated, control: g.control, horizon: "90d", valuePerRetainedGbp: 0 });
    if (!answer.ok || answer.type !== "evaluate") continue;
    const trueLift = g.truth.reduce((a, b) => a + b, 0) / g.truth.length;
    const { low, high } = answer.data.absoluteInterval;
    out.push({ treatmentKey, treated: g.treated.length, control: g.control.length, trueLift, low, high, isCovered: low <= trueLift && trueLift <= high, isReliable: answer.data.isIntervalReliable });
  }
  return out;
}

/** Each LearnedEffect row against the truth over the treated outcomes it was learned from. */
async function compareEffects(pool: pg.Pool): Promise<EffectComparison[]> {
  const { rows: learned } = await pool.query<{ treatmentKey: string; patternKey: string; catalogEffect: number; learnedEffect: number; outcomes: number; hasEnoughEvidence: boolean; refreshedAt: Date }>(
    `SELECT "treatmentKey", "patternKey", "catalogEffect", "learnedEffect", outcomes, "hasEnoughEvidence", "refreshedAt" FROM "LearnedEffect" ORDER BY 1, 2`,
  );
  const refreshedAt = learned[0]?.refreshedAt;
  if (!refreshedAt) return [];
  const { rows: treatments } = await pool.query<EffectCatalogEntry>(`SELECT key, "expectedEffect", goal, eligibility, "isNoAction" FROM "Treatment"`);
  const { rows } = await pool.query<DecisionRow & { patterns: string[] }>(`${DECISIONS_SQL.replace('r."createdAt" >= $1', 'o."recordedAt" <= $1 AND o."stayed90d" IS NOT NULL')} AND r."heldOutFrom" IS NULL`, [refreshedAt]);
  return learned.map((l) => {
    let weight = 0;
    let reduced = 0;
    let applied = 0;
    const treatment = treatments.find((t) => t.key === l.treatmentKey);
    for (const r of rows) {
      if (r.treatmentKey !== l.treatmentKey || (l.patternKey !== "" && !r.patterns.includes(l.patternKey))) continue;
      const churn = baselineChurn90(r.churnRisk);
      const channel = r.channel as Channel | null;
      weight += churn;
      const uplift = treatment && l.patternKey === "" ? catalogUplift({ ...treatment, eligibility: treatment.eligibility ?? {} }, r.patterns.map((key) => ({ key, severity: "medium" }))).uplift : 0;
      applied += churn * Math.min(1, l.learnedEffect + uplift);
      reduced += churn * (channel ? CONTACT_RATE[channel] : 0) * trueEffect({ treatmentKey: r.treatmentKey, catalogEffect: r.catalogEffect, patterns: r.patterns });
    }
    return { treatmentKey: l.treatmentKey, patternKey: l.patternKey, catalogEffect: l.catalogEffect, learnedEffect: l.learnedEffect, appliedEffect: weight > 0 ? applied / weight : l.learnedEffect, trueEffect: weight > 0 ? reduced / weight : 0, outcomes: l.outcomes, hasEnoughEvidence: l.hasEnoughEvidence };
  });
}
