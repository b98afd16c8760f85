import "server-only";
import { createEvaluationAgent } from "../agents/evaluation/evaluation-agent";
import type { LearnedEffect } from "../agents/evaluation/effects";
import type { Evaluation, Horizon, OutcomeRow } from "../agents/evaluation/messages";
import type { PrismaClient } from "../generated/prisma/client";

/** One treatment's lift, or why it has none yet. */
export type TreatmentLift =
  /** `valuePerRetainedGbp` is null when no treated customer has a lifetime value yet (incremental value is then unknown, not 0). */
  | { treatmentKey: string; name: string; isMeasured: true; evaluation: Evaluation; valuePerRetainedGbp: number | null }
  | { treatmentKey: string; name: string; isMeasured: false; treatedCount: number; controlCount: number; reason: string };

export type EvaluationOverview = { horizon: Horizon; lifts: TreatmentLift[]; effects: LearnedEffect[]; heldOutCount: number; treatedCount: number };

const toRow = (o: { stayed30d: boolean | null; stayed90d: boolean | null; revenueChangeGbp: { toNumber(): number } | null }): OutcomeRow => ({
  stayed30d: o.stayed30d,
  stayed90d: o.stayed90d,
  revenueChangeGbp: o.revenueChangeGbp === null ? null : o.revenueChangeGbp.toNumber(),
});

/**
 * Lift per treatment of the approved decisions over the customers held out from that treatment,
 * and each treatment's effect learned from them, from outcomes recorded in [from, to).
 * Incremental value counts each retained customer at the treated customers' mean lifetime value.
 */
export async function evaluateTreatments(db: PrismaClient, opts: { horizon?: Horizon; from?: Date; to?: Date } = {}): Promise<EvaluationOverview> {
  const horizon = opts.horizon ?? "90d";
  const agent = createEvaluationAgent();
  const recordedAt = { ...(opts.from ? { gte: opts.from } : {}), ...(opts.to ? { lt: opts.to } : {}) };
  const outcomes = await db.outcome.findMany({
    where: {
      recordedAt,
      OR: [{ recommendation: { status: "approved", treatmentKey: { not: null } } }, { recommendation: { heldOutFrom: { not: null } } }],
    },
    select: {
      stayed30d: true,
      stayed90d: true,
      revenueChangeGbp: true,
      recommendation: { select: { treatmentKey: true, heldOutFrom: true, status: true, customer: { select: { insight: { select: { lifetimeValue: true } } } } } },
    },
  });
  const treatments = await db.treatment.findMany({ where: { isNoAction: false }, select: { key: true, name: true, expectedEffect: true }, orderBy: [{ priority: "asc" }, { key: "asc" }] });
  const groups = new Map(treatments.map((t) => [t.key, { treated: [] as OutcomeRow[], control: [] as OutcomeRow[], lifetimeValues: [] as number[] }]));
  const pooledControl: OutcomeRow[] = [];
  for (const o of outcomes) {
    const rec = o.recommendation;
    if (rec.heldOutFrom !== null) {
      pooledControl.push(toRow(o));
      groups.get(rec.heldOutFrom)?.control.push(toRow(o));
    } else if (rec.treatmentKey !== null) {
      const group = groups.get(rec.treatmentKey);
      group?.treated.push(toRow(o));
      const ltv = rec.customer.insight?.lifetimeValue;
      if (group && ltv) group.lifetimeValues.push(ltv.toNumber());
    }
  }

  const lifts: TreatmentLift[] = [];
  for (const t of treatments) {
    const g = groups.get(t.key)!;
    const valuePerRetainedGbp = g.lifetimeValues.length > 0 ? g.lifetimeValues.reduce((a, b) => a + b, 0) / g.lifetimeValues.length : null;
    const answer = await agent.process({ type: "evaluate", label: t.name, treated: g.treated, control: g.control, horizon, valuePerRetainedGbp: valuePerRetainedGbp ?? 0 });
    if (answer.ok && answer.type === "evaluate") lifts.push({ treatmentKey: t.key, name: t.name, isMeasured: true, evaluation: answer.data, valuePerRetainedGbp });
    else lifts.push({ treatmentKey: t.key, name: t.name, isMeasured: false, treatedCount: g.treated.length, controlCount: g.control.length, reason: answer.ok ? "" : answer.error.reason });
  }

  const counted = (rows: OutcomeRow[]) => {
    const known = rows.map((r) => (horizon === "30d" ? r.stayed30d : r.stayed90d)).filter((s): s is boolean => s !== null);
    return { n: known.length, retained: known.filter(Boolean).length };
  };
  const estimated = await agent.process({
    type: "estimate_effects",
    baseline: counted(pooledControl),
    treatments: treatments.map((t) => ({ treatmentKey: t.key, catalogEffect: t.expectedEffect, ...counted(groups.get(t.key)!.treated) })),
  });
  if (!estimated.ok || estimated.type !== "estimate_effects") throw new Error(`Effects could not be estimated: ${estimated.ok ? estimated.type : estimated.error.reason}`);
  return { horizon, lifts, effects: estimated.data.effects, heldOutCount: pooledControl.length, treatedCount: outcomes.length - pooledControl.length };
}
