// The evaluation agent: who is held out, what happened after each decision, and what worked.
import { z } from "zod";
import { type Agent, type HandlerMap, dispatch } from "../protocol";
import { assignArm } from "./assign";
import { estimateEffects } from "./effects";
import { RELIABLE_MIN, computeLift } from "./lift";
import type { Evaluation, EvaluationError, EvaluationMessage, EvaluationResponse, Horizon, OutcomeRow } from "./messages";
import { normaliseOutcome, outcomeInputSchema } from "./outcome";

const key = z.string().trim().min(1).max(200);
const count = z.number().int().min(0).max(100_000_000);
const SHARE_TOLERANCE = 1e-9;

const armsSchema = z
  .array(z.object({ key, share: z.number().gt(0).max(1) }))
  .min(1)
  .max(100)
  .refine((arms) => new Set(arms.map((a) => a.key)).size === arms.length, { error: "arm keys must differ" })
  .refine((arms) => Math.abs(arms.reduce((s, a) => s + a.share, 0) - 1) <= SHARE_TOLERANCE, { error: "shares must add up to 1" });

const rowSchema = z.object({
  stayed30d: z.boolean().nullable(),
  stayed90d: z.boolean().nullable(),
  revenueChangeGbp: z.number().finite().nullable(),
});

const messageSchemas = {
  assign_groups: z.object({ type: z.literal("assign_groups"), experimentKey: key, arms: armsSchema, customerIds: z.array(key).max(1_000_000) }),
  record_outcome: z.object({ type: z.literal("record_outcome"), outcome: outcomeInputSchema }),
  evaluate: z.object({
    type: z.literal("evaluate"),
    label: z.string().trim().min(1).max(200),
    treated: z.array(rowSchema).max(10_000_000),
    control: z.array(rowSchema).max(10_000_000),
    horizon: z.enum(["30d", "90d"]).optional(),
    valuePerRetainedGbp: z.number().finite().min(0).max(10_000_000),
  }),
  estimate_effects: z.object({
    type: z.literal("estimate_effects"),
    baseline: z.object({ n: count, retained: count }).refine((g) => g.retained <= g.n, { error: "retained cannot exceed n", path: ["retained"] }),
    treatments: z
      .array(
        z
          .object({ treatmentKey: key, catalogEffect: z.number().min(0).max(1), n: count, retained: count })
          .refine((t) => t.retained <= t.n, { error: "retained cannot exceed n", path: ["retained"] }),
      )
      .max(10_000),
    priorStrength: z.number().finite().gt(0).max(1_000_000).optional(),
    minOutcomes: count.optional(),
  }),
} satisfies Record<EvaluationMessage["type"], z.ZodType>;

type Type = EvaluationMessage["type"];

function refuse(type: Type, error: EvaluationError): EvaluationResponse {
  return { ok: false, type, error } as EvaluationResponse;
}

/** The first problem names its field, so a caller can point at it; the reason lists them all. */
function invalid(type: Type, error: z.ZodError): EvaluationResponse {
  const path = (i: z.core.$ZodIssue) => i.path.map(String).join(".") || "message";
  const detail = error.issues.map((i) => `${path(i)}: ${i.message}`).join("; ");
  return refuse(type, { code: "invalid_message", reason: `Invalid ${type} message: ${detail}`, field: path(error.issues[0]!) });
}

const signed = (x: number, digits: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
const whole = (n: number) => n.toLocaleString("en-GB");

function sentenceFor(e: Omit<Evaluation, "sentence">): string {
  const points = (x: number) => signed(x * 100, 1);
  const head = `${e.label}: ${points(e.absoluteLift)} points of retention (95% CI ${points(e.absoluteInterval.low)} to ${points(e.absoluteInterval.high)}), ${whole(e.treatedCount)} treated, ${whole(e.controlCount)} held out`;
  const said = sentenceOfPower(head, e);
  return e.isIntervalReliable ? said : `${said} (fewer than ${RELIABLE_MIN} customers stayed or left in a group: the interval is not yet reliable)`;
}

function sentenceOfPower(head: string, e: Omit<Evaluation, "sentence">): string {
  if (e.power.status === "significant") return head;
  if (e.power.status === "no_difference") return `${head}; no difference seen yet`;
  return `${head}; not significant yet: about ${whole(e.power.treated)} more treated and ${whole(e.power.control)} more held-out outcomes would detect it 4 times in 5`;
}

function countsAt(rows: OutcomeRow[], horizon: Horizon) {
  let n = 0;
  let retained = 0;
  let revenueSum = 0;
  let revenueCount = 0;
  for (const r of rows) {
    const stayed = horizon === "30d" ? r.stayed30d : r.stayed90d;
    if (stayed === null) continue;
    n++;
    if (stayed) retained++;
    if (r.revenueChangeGbp !== null) {
      revenueSum += r.revenueChangeGbp;
      revenueCount++;
    }
  }
  return { n, retained, meanRevenue: revenueCount > 0 ? Math.round((revenueSum / revenueCount) * 100) / 100 : null };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const handlers: HandlerMap<EvaluationMessage, EvaluationResponse> = {
  assign_groups: async (m) => {
    const parsed = messageSchemas.assign_groups.safeParse(m);
    if (!parsed.success) return invalid(m.type, parsed.error);
    const { experimentKey, arms, customerIds } = parsed.data;
    const counts: Record<string, number> = Object.fromEntries(arms.map((a) => [a.key, 0]));
    const assignments = customerIds.map((customerId) => {
      const arm = assignArm(customerId, experimentKey, arms);
      counts[arm] = (counts[arm] ?? 0) + 1;
      return { customerId, arm };
    });
    return { ok: true, type: m.type, data: { assignments, counts } };
  },
  record_outcome: async (m) => {
    const parsed = messageSchemas.record_outcome.safeParse(m);
    if (!parsed.success) return invalid(m.type, parsed.error);
    const result = normaliseOutcome(parsed.data.outcome);
    if (!result.ok) {
      const field = `outcome.${result.problem.field}`;
      return refuse(m.type, { code: "invalid_message", reason: `Invalid record_outcome message: ${field} ${result.problem.reason}`, field });
    }
    return { ok: true, type: m.type, data: result.outcome };
  },
  evaluate: async (m) => {
    const parsed = messageSchemas.evaluate.safeParse(m);
    if (!parsed.success) return invalid(m.type, parsed.error);
    const horizon = parsed.data.horizon ?? "90d";
    const treated = countsAt(parsed.data.treated, horizon);
    const control = countsAt(parsed.data.control, horizon);
    for (const [field, group] of [["treated", treated], ["control", control]] as const) {
      if (group.n === 0) {
        return refuse(m.type, { code: "invalid_message", reason: `The ${field} group has no outcomes at ${horizon} yet; lift needs at least one on each side.`, field });
      }
    }
    const lift = computeLift(treated, control);
    const perRetained = parsed.data.valuePerRetainedGbp;
    const base: Omit<Evaluation, "sentence"> = {
      ...lift,
      label: parsed.data.label,
      horizon,
      treatedCount: treated.n,
      controlCount: control.n,
      pendingCount: parsed.data.treated.length + parsed.data.control.length - treated.n - control.n,
      incrementalValueGbp: round2(lift.absoluteLift * treated.n * perRetained),
      incrementalValueInterval: { low: round2(lift.absoluteInterval.low * treated.n * perRetained), high: round2(lift.absoluteInterval.high * treated.n * perRetained) },
      meanRevenueChangeGbp: { treated: treated.meanRevenue, control: control.meanRevenue },
    };
    return { ok: true, type: m.type, data: { ...base, sentence: sentenceFor(base) } };
  },
  estimate_effects: async (m) => {
    const parsed = messageSchemas.estimate_effects.safeParse(m);
    if (!parsed.success) return invalid(m.type, parsed.error);
    const priorStrength = parsed.data.priorStrength ?? 200;
    const effects = estimateEffects({
      baseline: parsed.data.baseline,
      treatments: parsed.data.treatments.map((t) => ({ treatmentKey: t.treatmentKey, catalogEffect: t.catalogEffect, treated: { n: t.n, retained: t.retained } })),
      priorStrength,
      minOutcomes: parsed.data.minOutcomes ?? Math.ceil(priorStrength),
    });
    return { ok: true, type: m.type, data: { effects } };
  },
};

export type EvaluationAgent = Agent<EvaluationMessage, EvaluationResponse>;

/** The evaluation agent needs no ports: it computes from what its messages carry. */
export function createEvaluationAgent(): EvaluationAgent {
  return { name: "evaluation", process: (message) => dispatch("evaluation", handlers, message) };
}
