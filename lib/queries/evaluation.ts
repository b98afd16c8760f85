import "server-only";
import { createEvaluationAgent } from "../agents/evaluation/evaluation-agent";
import { CONTACT_STATUSES } from "../agents/journey/build";
import type { LearnedEffect } from "../agents/evaluation/effects";
import type { Evaluation, Horizon, OutcomeRow } from "../agents/evaluation/messages";
import type { PrismaClient } from "../generated/prisma/client";

/** Outcomes each side needs before a lift is shown: with fewer, a Wald interval is not worth reading. */
export const MIN_OUTCOMES_PER_SIDE = 10;

/** One group's lift (a treatment, a strategy, a segment), or why it has none yet. */
export type GroupLift =
  /** `valuePerRetainedGbp` is null when no treated customer has a lifetime value yet (incremental value is then unknown, not 0). */
  | { key: string; name: string; isMeasured: true; evaluation: Evaluation; valuePerRetainedGbp: number | null }
  | { key: string; name: string; isMeasured: false; treatedCount: number; controlCount: number; reason: string };

/** One treatment's lift, or why it has none yet. */
export type TreatmentLift = GroupLift & { treatmentKey: string };

/** Incremental value of all treatments up to the end of a week of decisions, with its 95% interval. */
export type CumulativeValuePoint = { weekStart: string; treated: number; control: number; valueGbp: number; lowGbp: number; highGbp: number };

export type EvaluationOverview = {
  horizon: Horizon;
  lifts: TreatmentLift[];
  /** Every treatment together against every held-out customer. */
  overall: GroupLift;
  /** Per strategy: the policy, or the champion/challenger arm the decision was made under. */
  strategies: GroupLift[];
  /** Per customer segment. */
  segments: GroupLift[];
  cumulative: CumulativeValuePoint[];
  effects: LearnedEffect[];
  heldOutCount: number;
  treatedCount: number;
};

type Group = { treated: OutcomeRow[]; control: OutcomeRow[]; lifetimeValues: number[] };
const newGroup = (): Group => ({ treated: [], control: [], lifetimeValues: [] });

const POLICY_NAMES: Record<string, string> = { rules: "Deterministic policy", llm: "Language model" };

const toRow = (o: { stayed30d: boolean | null; stayed90d: boolean | null; revenueChangeGbp: { toNumber(): number } | null }): OutcomeRow => ({
  stayed30d: o.stayed30d,
  stayed90d: o.stayed90d,
  revenueChangeGbp: o.revenueChangeGbp === null ? null : o.revenueChangeGbp.toNumber(),
});

const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Monday 00:00 UTC of the week holding `d`. */
function weekStart(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/**
 * Lift per treatment of the approved and overridden decisions over the customers held out from that
 * treatment, the same per strategy and per segment and for all treatments together, the cumulative
 * incremental value week by week, and each treatment's effect learned from them, from outcomes
 * recorded in [from, to). Incremental value counts each retained customer at the treated customers'
 * mean lifetime value.
 */
export async function evaluateTreatments(db: PrismaClient, opts: { horizon?: Horizon; from?: Date; to?: Date } = {}): Promise<EvaluationOverview> {
  const horizon = opts.horizon ?? "90d";
  const agent = createEvaluationAgent();
  const recordedAt = { ...(opts.from ? { gte: opts.from } : {}), ...(opts.to ? { lt: opts.to } : {}) };
  const outcomes = await db.outcome.findMany({
    where: {
      recordedAt,
      OR: [{ recommendation: { status: { in: [...CONTACT_STATUSES] }, treatmentKey: { not: null } } }, { recommendation: { heldOutFrom: { not: null } } }],
    },
    select: {
      stayed30d: true,
      stayed90d: true,
      revenueChangeGbp: true,
      recommendation: {
        select: {
          treatmentKey: true,
          heldOutFrom: true,
          policy: true,
          experimentKey: true,
          experimentArm: true,
          createdAt: true,
          customer: { select: { segment: true, insight: { select: { lifetimeValue: true } } } },
        },
      },
    },
  });
  const treatments = await db.treatment.findMany({ where: { isNoAction: false }, select: { key: true, name: true, expectedEffect: true }, orderBy: [{ priority: "asc" }, { key: "asc" }] });
  const byTreatment = new Map(treatments.map((t) => [t.key, newGroup()]));
  const overall = newGroup();
  const byStrategy = new Map<string, Group>();
  const bySegment = new Map<string, Group>();
  const byWeek = new Map<string, Group>();
  const into = (map: Map<string, Group>, key: string) => {
    let g = map.get(key);
    if (!g) map.set(key, (g = newGroup()));
    return g;
  };
  for (const o of outcomes) {
    const rec = o.recommendation;
    const row = toRow(o);
    const strategy = rec.experimentKey && rec.experimentArm ? `${rec.experimentKey}: ${rec.experimentArm}` : (POLICY_NAMES[rec.policy] ?? rec.policy);
    const groups = [overall, into(byStrategy, strategy), into(bySegment, rec.customer.segment), into(byWeek, weekStart(rec.createdAt))];
    const treatment = byTreatment.get(rec.heldOutFrom ?? rec.treatmentKey ?? "");
    if (treatment) groups.push(treatment);
    const isHeldOut = rec.heldOutFrom !== null;
    const ltv = rec.customer.insight?.lifetimeValue?.toNumber();
    for (const g of groups) {
      (isHeldOut ? g.control : g.treated).push(row);
      if (!isHeldOut && ltv) g.lifetimeValues.push(ltv);
    }
  }

  const known = (rows: OutcomeRow[]) => rows.filter((r) => (horizon === "30d" ? r.stayed30d : r.stayed90d) !== null).length;
  const liftOf = async (key: string, name: string, g: Group): Promise<GroupLift> => {
    const [treated, control] = [known(g.treated), known(g.control)];
    if (treated < MIN_OUTCOMES_PER_SIDE || control < MIN_OUTCOMES_PER_SIDE) {
      const reason = `Needs at least ${MIN_OUTCOMES_PER_SIDE} outcomes at ${horizon} on each side; has ${treated.toLocaleString("en-GB")} treated and ${control.toLocaleString("en-GB")} held out.`;
      return { key, name, isMeasured: false, treatedCount: treated, controlCount: control, reason };
    }
    const valuePerRetainedGbp = mean(g.lifetimeValues);
    const answer = await agent.process({ type: "evaluate", label: name, treated: g.treated, control: g.control, horizon, valuePerRetainedGbp: valuePerRetainedGbp ?? 0 });
    if (answer.ok && answer.type === "evaluate") return { key, name, isMeasured: true, evaluation: answer.data, valuePerRetainedGbp };
    return { key, name, isMeasured: false, treatedCount: treated, controlCount: control, reason: answer.ok ? "" : answer.error.reason };
  };

  const lifts: TreatmentLift[] = [];
  for (const t of treatments) lifts.push({ ...(await liftOf(t.key, t.name, byTreatment.get(t.key)!)), treatmentKey: t.key });
  const sortedLifts = async (map: Map<string, Group>) => {
    const out: GroupLift[] = [];
    for (const [key, g] of [...map.entries()].sort(([a], [b]) => a.localeCompare(b))) out.push(await liftOf(key, key, g));
    return out;
  };

  // Week by week, the lift of everything decided so far, at the value of everything treated so far.
  const cumulative: CumulativeValuePoint[] = [];
  const sofar = newGroup();
  for (const [week, g] of [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    sofar.treated.push(...g.treated);
    sofar.control.push(...g.control);
    sofar.lifetimeValues.push(...g.lifetimeValues);
    const lift = await liftOf(week, week, sofar);
    if (lift.isMeasured && lift.valuePerRetainedGbp !== null) {
      const e = lift.evaluation;
      cumulative.push({ weekStart: week, treated: e.treatedCount, control: e.controlCount, valueGbp: e.incrementalValueGbp, lowGbp: e.incrementalValueInterval.low, highGbp: e.incrementalValueInterval.high });
    }
  }

  const counted = (rows: OutcomeRow[]) => {
    const stays = rows.map((r) => (horizon === "30d" ? r.stayed30d : r.stayed90d)).filter((s): s is boolean => s !== null);
    return { n: stays.length, retained: stays.filter(Boolean).length };
  };
  const estimated = await agent.process({
    type: "estimate_effects",
    baseline: counted(overall.control),
    treatments: treatments.map((t) => ({ treatmentKey: t.key, catalogEffect: t.expectedEffect, ...counted(byTreatment.get(t.key)!.treated) })),
  });
  if (!estimated.ok || estimated.type !== "estimate_effects") throw new Error(`Effects could not be estimated: ${estimated.ok ? estimated.type : estimated.error.reason}`);
  return {
    horizon,
    lifts,
    overall: await liftOf("all", "All treatments", overall),
    strategies: await sortedLifts(byStrategy),
    segments: await sortedLifts(bySegment),
    cumulative,
    effects: estimated.data.effects,
    heldOutCount: overall.control.length,
    treatedCount: overall.treated.length,
  };
}
