import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { assignArm } from "./assign";
import { createEvaluationAgent } from "./evaluation-agent";
import type { EvaluationMessage, EvaluationResponse, OutcomeRow } from "./messages";

const agent = createEvaluationAgent();
const send = (message: unknown) => agent.process(message as EvaluationMessage);

type DataOf<T extends EvaluationResponse["type"]> = Extract<EvaluationResponse, { ok: true }> extends infer R ? (R extends { type: T; data: infer D } ? D : never) : never;

function data<T extends EvaluationResponse["type"]>(response: EvaluationResponse, type: T): DataOf<T> {
  expect(response.ok, JSON.stringify(response)).toBe(true);
  expect(response.type).toBe(type);
  return (response as unknown as { data: DataOf<T> }).data;
}

/** `retained` rows that stayed 90 days and `n − retained` that left within 30. */
function rows(n: number, retained: number): OutcomeRow[] {
  return Array.from({ length: n }, (_, i) => (i < retained ? { stayed30d: true, stayed90d: true, revenueChangeGbp: 0 } : { stayed30d: false, stayed90d: false, revenueChangeGbp: null }));
}

describe("assign_groups", () => {
  const ids = Array.from({ length: 100_000 }, (_, i) => `CUST-${String(i).padStart(6, "0")}`);

  // 100,000 draws at share s: standard deviation √(100000·s·(1−s)) ≈ 69 at 5%, 150 at 30%;
  // the tolerance of 0.3 points is at least 2 standard deviations beyond 4.
  test.each([
    { arms: [{ key: "control", share: 0.05 }, { key: "treatment", share: 0.95 }], title: "holds out 5% within 0.3 points over 100,000 ids" },
    { arms: [{ key: "rules", share: 0.5 }, { key: "model", share: 0.3 }, { key: "edited", share: 0.2 }], title: "splits 50/30/20 between three strategies within 0.3 points each" },
    { arms: [{ key: "everyone", share: 1 }], title: "puts everyone in a single arm of share 1" },
  ])("$title", async ({ arms }) => {
    const result = data(await send({ type: "assign_groups", experimentKey: "standing-control", arms, customerIds: ids }), "assign_groups");
    for (const arm of arms) expect(Math.abs((result.counts[arm.key] ?? 0) / ids.length - arm.share)).toBeLessThan(0.003);
    expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(ids.length);
  });

  test("gives every customer the same arm on every call and in any order", async () => {
    const arms = [{ key: "control", share: 0.05 }, { key: "treatment", share: 0.95 }];
    const first = data(await send({ type: "assign_groups", experimentKey: "x", arms, customerIds: ids.slice(0, 5000) }), "assign_groups");
    const reversed = data(await send({ type: "assign_groups", experimentKey: "x", arms, customerIds: ids.slice(0, 5000).reverse() }), "assign_groups");
    const byId = new Map(reversed.assignments.map((a) => [a.customerId, a.arm]));
    for (const a of first.assignments) expect(byId.get(a.customerId)).toBe(a.arm);
  });

  test("draws another experiment's groups independently: about 5% of one control is in the other", () => {
    const arms = [{ key: "control", share: 0.05 }, { key: "treatment", share: 0.95 }];
    const inA = ids.filter((id) => assignArm(id, "experiment-a", arms) === "control");
    const inBoth = inA.filter((id) => assignArm(id, "experiment-b", arms) === "control");
    // ≈ 5,000 in A; independent draws put ≈ 250 of them in B's control (sd ≈ 15).
    expect(inBoth.length / inA.length).toBeGreaterThan(0.035);
    expect(inBoth.length / inA.length).toBeLessThan(0.065);
  });

  test("a customer's bucket grows the control group without moving anyone out of it", () => {
    // Raising the share from 5% to 10% only adds customers: the bucket is fixed, the cut moves.
    const small = ids.filter((id) => assignArm(id, "s", [{ key: "c", share: 0.05 }, { key: "t", share: 0.95 }]) === "c");
    for (const id of small) expect(assignArm(id, "s", [{ key: "c", share: 0.1 }, { key: "t", share: 0.9 }])).toBe("c");
  });

  test.each([
    { message: { type: "assign_groups", experimentKey: "", arms: [{ key: "a", share: 1 }], customerIds: [] }, field: "experimentKey", title: "refuses an empty experiment key" },
    { message: { type: "assign_groups", experimentKey: "e", arms: [{ key: "a", share: 0.5 }, { key: "b", share: 0.4 }], customerIds: [] }, field: "arms", title: "refuses shares adding up to 0.9" },
    { message: { type: "assign_groups", experimentKey: "e", arms: [{ key: "a", share: 0.5 }, { key: "a", share: 0.5 }], customerIds: [] }, field: "arms", title: "refuses two arms with one key" },
    { message: { type: "assign_groups", experimentKey: "e", arms: [{ key: "a", share: 0 }, { key: "b", share: 1 }], customerIds: [] }, field: "arms.0.share", title: "refuses an arm of share 0" },
    { message: { type: "assign_groups", experimentKey: "e", arms: [], customerIds: [] }, field: "arms", title: "refuses an experiment without arms" },
    { message: { type: "assign_groups", experimentKey: "e", arms: [{ key: "a", share: 1 }], customerIds: [42] }, field: "customerIds.0", title: "refuses a customer id that is not text" },
  ])("$title", async ({ message, field }) => {
    const response = await send(message);
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error).toMatchObject({ code: "invalid_message", field });
  });
});

describe("record_outcome", () => {
  const id = randomUUID();
  const base = { recommendationId: id, contactMade: true, response: "accepted", stayed30d: true, stayed90d: true, revenueChangeGbp: 2.5, source: "import", recordedAt: "2026-03-01T10:00:00+01:00" };

  test.each([
    { outcome: base, expected: { response: "accepted", stayed30d: true, stayed90d: true, revenueChangeGbp: 2.5, recordedAt: "2026-03-01T09:00:00.000Z" }, title: "keeps a complete outcome and writes its time in UTC" },
    { outcome: { ...base, response: "  Declined " }, expected: { response: "declined" }, title: "reads a response whatever its case and spacing" },
    { outcome: { ...base, contactMade: false, response: null }, expected: { contactMade: false, response: null }, title: "keeps no response when no contact was made" },
    { outcome: { ...base, stayed30d: null, stayed90d: true }, expected: { stayed30d: true, stayed90d: true }, title: "fills stayed 30 days from stayed 90 days" },
    { outcome: { ...base, stayed30d: false, stayed90d: null }, expected: { stayed30d: false, stayed90d: false }, title: "fills left within 90 days from left within 30" },
    { outcome: { ...base, stayed30d: true, stayed90d: undefined }, expected: { stayed30d: true, stayed90d: null }, title: "leaves the 90-day window open while it has not closed" },
    { outcome: { ...base, revenueChangeGbp: -3.14159 }, expected: { revenueChangeGbp: -3.14 }, title: "rounds a revenue change to the penny" },
    { outcome: { ...base, revenueChangeGbp: -0.001 }, expected: { revenueChangeGbp: 0 }, title: "rounds a fall of a tenth of a penny to 0, not −0" },
  ])("$title", async ({ outcome, expected }) => {
    const result = data(await send({ type: "record_outcome", outcome }), "record_outcome");
    expect(result).toMatchObject(expected);
    expect(Object.is(result.revenueChangeGbp, -0)).toBe(false);
  });

  test.each([
    { outcome: { ...base, recommendationId: "rec-1" }, field: "outcome.recommendationId", title: "refuses a decision id that is not a UUID" },
    { outcome: { ...base, contactMade: "yes" }, field: "outcome.contactMade", title: "refuses contact made given as text" },
    { outcome: { ...base, response: "maybe" }, field: "outcome.response", title: "refuses a response outside accepted, declined and ignored" },
    { outcome: { ...base, contactMade: false }, field: "outcome.response", title: "refuses a response when no contact was made" },
    { outcome: { ...base, stayed30d: false, stayed90d: true }, field: "outcome.stayed90d", title: "refuses stayed 90 days after leaving within 30" },
    { outcome: { ...base, revenueChangeGbp: Number.NaN }, field: "outcome.revenueChangeGbp", title: "refuses a revenue change that is not a number" },
    { outcome: { ...base, revenueChangeGbp: 1_000_001 }, field: "outcome.revenueChangeGbp", title: "refuses a revenue change above a million pounds" },
    { outcome: { ...base, source: "email" }, field: "outcome.source", title: "refuses an unknown source" },
    { outcome: { ...base, recordedAt: "yesterday" }, field: "outcome.recordedAt", title: "refuses a time that is not ISO 8601" },
    { outcome: undefined, field: "outcome", title: "refuses a message without an outcome" },
  ])("$title", async ({ outcome, field }) => {
    const response = await send({ type: "record_outcome", outcome });
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error).toMatchObject({ code: "invalid_message", field });
      expect(response.error.reason).toContain(field);
    }
  });
});

describe("evaluate", () => {
  const evaluate = async (treated: OutcomeRow[], control: OutcomeRow[], extra: Record<string, unknown> = {}) =>
    data(await send({ type: "evaluate", label: "Retention call", treated, control, valuePerRetainedGbp: 500, ...extra }), "evaluate");

  test.each([
    {
      // p1 = 0.8, p0 = 0.7, d = 0.1; SE = √(0.8·0.2/100 + 0.7·0.3/100) = √0.0037 = 0.060828;
      // CI = 0.1 ± 1.959964·0.060828 = [−0.019220, 0.219220]. Relative: 0.8/0.7 − 1 = 0.142857,
      // SE = √(0.0016/0.49 + 0.64·0.0021/0.2401) = 0.094143 → [−0.041660, 0.327375].
      // Power (k = 1): (1.959964 + 0.841621)²·(0.16 + 0.21)/0.01 = 290.4 per arm → 191 more each.
      treated: [100, 80], control: [100, 70], d: 0.1, ci: [-0.01922, 0.21922], rel: 0.142857, relCi: [-0.04166, 0.327375], isSignificant: false, power: { status: "needs_more", treated: 191, control: 191 },
      title: "80 of 100 against 70 of 100 is not significant and needs 191 more outcomes per arm",
    },
    {
      // p1 = 0.9, p0 = 0.8, d = 0.1; SE = √(0.09/1000 + 0.16/100) = √0.00169 = 0.041110;
      // CI = 0.1 ± 0.080574 = [0.019427, 0.180573]. Relative 0.125, SE = √(0.00009/0.64 + 0.81·0.0016/0.4096) = 0.057486.
      treated: [1000, 900], control: [100, 80], d: 0.1, ci: [0.019427, 0.180573], rel: 0.125, relCi: [0.012329, 0.237671], isSignificant: true, power: { status: "significant" },
      title: "900 of 1,000 against 80 of 100 is significant at the interval's lower end of +1.9 points",
    },
    {
      // d = 0: SE = √(0.25/100 · 2) = 0.070711, CI = ±0.138590; no sample size detects no difference.
      treated: [100, 50], control: [100, 50], d: 0, ci: [-0.13859, 0.13859], rel: 0, relCi: [-0.277181, 0.277181], isSignificant: false, power: { status: "no_difference" },
      title: "equal retention has no lift and no sample size that would detect one",
    },
  ])("$title", async ({ treated, control, d, ci, rel, relCi, isSignificant, power }) => {
    const e = await evaluate(rows(treated[0]!, treated[1]!), rows(control[0]!, control[1]!));
    expect(e.absoluteLift).toBeCloseTo(d, 6);
    expect(e.absoluteInterval.low).toBeCloseTo(ci[0]!, 5);
    expect(e.absoluteInterval.high).toBeCloseTo(ci[1]!, 5);
    expect(e.relativeLift).toBeCloseTo(rel, 5);
    expect(e.relativeInterval!.low).toBeCloseTo(relCi[0]!, 5);
    expect(e.relativeInterval!.high).toBeCloseTo(relCi[1]!, 5);
    expect(e.isSignificant).toBe(isSignificant);
    expect(e.power).toEqual(power);
  });

  test("reads like a sentence with its interval and both group sizes", async () => {
    // 1,100 of 1,204 against 52 of 61: d = 0.913621 − 0.852459 = 0.061162; SE = 0.046124;
    // CI = [−0.029238, 0.151563]. Power at k = 1204/61: 4,171 more treated and 212 more held out.
    const e = await evaluate(rows(1204, 1100), rows(61, 52));
    expect(e.sentence).toBe(
      "Retention call: +6.1 points of retention (95% CI −2.9 to +15.2), 1,204 treated, 61 held out; not significant yet: about 4,171 more treated and 212 more held-out outcomes would detect it 4 times in 5",
    );
  });

  test.each([
    { title: "5 stayed and 5 left in each group: reliable", treated: [10, 5], control: [10, 5], isReliable: true },
    { title: "4 left among the held out: not reliable", treated: [100, 50], control: [13, 9], isReliable: false },
    { title: "4 stayed among the treated: not reliable", treated: [10, 4], control: [100, 50], isReliable: false },
    { title: "nobody left among the held out (an interval of width zero on that side): not reliable", treated: [100, 90], control: [20, 20], isReliable: false },
  ])("$title", async ({ treated, control, isReliable }) => {
    const e = await evaluate(rows(treated[0]!, treated[1]!), rows(control[0]!, control[1]!));
    expect(e.isIntervalReliable).toBe(isReliable);
    expect(e.sentence.endsWith("(fewer than 5 customers stayed or left in a group: the interval is not yet reliable)")).toBe(!isReliable);
  });

  test("values the lift at what keeping one customer is worth", async () => {
    // 0.1 × 1,000 treated × £500 = £50,000; interval 0.019427 × 500,000 = £9,713.32 to 0.180573 × 500,000 = £90,286.68.
    const e = await evaluate(rows(1000, 900), rows(100, 80));
    expect(e.incrementalValueGbp).toBe(50_000);
    expect(e.incrementalValueInterval.low).toBeCloseTo(9713.32, 0);
    expect(e.incrementalValueInterval.high).toBeCloseTo(90286.68, 0);
    expect(e.sentence).toBe("Retention call: +10.0 points of retention (95% CI +1.9 to +18.1), 1,000 treated, 100 held out");
  });

  test.each([
    { horizon: "30d", treatedCount: 3, controlCount: 2, pending: 0, title: "counts every row at 30 days when each 30-day window has closed" },
    { horizon: "90d", treatedCount: 2, controlCount: 1, pending: 2, title: "skips rows whose 90-day window has not closed" },
  ])("$title", async ({ horizon, treatedCount, controlCount, pending }) => {
    const open = { stayed30d: true, stayed90d: null, revenueChangeGbp: 4 };
    const e = await evaluate([...rows(2, 1), open], [...rows(1, 1), open], { horizon });
    expect([e.treatedCount, e.controlCount, e.pendingCount]).toEqual([treatedCount, controlCount, pending]);
  });

  test("has no relative lift when the control group retained nobody", async () => {
    const e = await evaluate(rows(10, 5), rows(10, 0));
    expect(e.relativeLift).toBeNull();
    expect(e.relativeInterval).toBeNull();
  });

  test.each([
    { message: { treated: [], control: rows(3, 1) }, field: "treated", title: "refuses a treated group without outcomes" },
    { message: { treated: rows(3, 1), control: [{ stayed30d: true, stayed90d: null, revenueChangeGbp: null }] }, field: "control", title: "refuses a control group whose only outcome is still open at 90 days" },
    { message: { treated: [{ stayed30d: "yes", stayed90d: true, revenueChangeGbp: null }], control: rows(3, 1) }, field: "treated.0.stayed30d", title: "refuses a stay flag given as text" },
    { message: { treated: rows(3, 1), control: rows(3, 1), horizon: "60d" }, field: "horizon", title: "refuses a 60-day horizon" },
    { message: { treated: rows(3, 1), control: rows(3, 1), valuePerRetainedGbp: -1 }, field: "valuePerRetainedGbp", title: "refuses a negative value per retained customer" },
    { message: { treated: rows(3, 1), control: rows(3, 1), label: " " }, field: "label", title: "refuses a blank label" },
  ])("$title", async ({ message, field }) => {
    const response = await send({ type: "evaluate", label: "Retention call", valuePerRetainedGbp: 500, ...message });
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error).toMatchObject({ code: "invalid_message", field });
  });
});

describe("estimate_effects", () => {
  // Baseline: 800 of 1,000 held out stayed, so churn c0 = 0.2. Catalog effect 0.25 → prior retention
  // q = 1 − 0.2·0.75 = 0.85; with prior strength 100 the prior is Beta(85, 15).
  const baseline = { n: 1000, retained: 800 };
  const estimate = async (treatments: { treatmentKey: string; catalogEffect: number; n: number; retained: number }[], extra: Record<string, unknown> = {}) =>
    data(await send({ type: "estimate_effects", baseline, treatments, priorStrength: 100, ...extra }), "estimate_effects").effects;

  test.each([
    {
      // Beta(85 + 270, 15 + 30) = Beta(355, 45): mean 0.8875 → effect 1 − 0.1125/0.2 = 0.4375;
      // observed 1 − 0.1/0.2 = 0.5; data weight 300/400 = 0.75; sd = √(355·45/(400²·401)) = 0.015779,
      // so the interval is 0.4375 ± 1.959964·0.015779/0.2 = [0.282870, 0.592130].
      n: 300, retained: 270, learned: 0.4375, observed: 0.5, weight: 0.75, interval: [0.28287, 0.59213], isEnough: true,
      rationale: "effect 44%, learned from 300 outcomes; catalog 25%",
      title: "300 outcomes halving churn pull the 25% catalog effect to 44%",
    },
    {
      // Beta(85, 15) untouched: mean 0.85 → effect 0.25, the catalog's.
      n: 0, retained: 0, learned: 0.25, observed: null, weight: 0, interval: null, isEnough: false,
      rationale: "effect 25% from the catalog; 0 of 100 outcomes needed to learn it",
      title: "no outcomes leave the catalog effect as it is",
    },
    {
      // Beta(85 + 40, 15 + 10) = Beta(125, 25): mean 0.833333 → effect 1 − 0.166667/0.2 = 0.166667.
      n: 50, retained: 40, learned: 1 / 6, observed: 0, weight: 1 / 3, interval: null, isEnough: false,
      rationale: "effect 25% from the catalog; 50 of 100 outcomes needed to learn it",
      title: "50 outcomes with no effect move the estimate a third of the way but are not enough evidence",
    },
  ])("$title", async ({ n, retained, learned, observed, weight, interval, isEnough, rationale }) => {
    const [effect] = await estimate([{ treatmentKey: "retention_call", catalogEffect: 0.25, n, retained }]);
    expect(effect!.learnedEffect).toBeCloseTo(learned, 6);
    if (observed === null) expect(effect!.observedEffect).toBeNull();
    else expect(effect!.observedEffect).toBeCloseTo(observed, 6);
    expect(effect!.dataWeight).toBeCloseTo(weight, 6);
    if (interval) {
      expect(effect!.interval!.low).toBeCloseTo(interval[0]!, 4);
      expect(effect!.interval!.high).toBeCloseTo(interval[1]!, 4);
    }
    expect(effect!.hasEnoughEvidence).toBe(isEnough);
    expect(effect!.rationale).toBe(rationale);
  });

  test("keeps the catalog effect when the held-out group shows no churn", async () => {
    const response = await send({ type: "estimate_effects", baseline: { n: 50, retained: 50 }, treatments: [{ treatmentKey: "sms", catalogEffect: 0.1, n: 500, retained: 480 }] });
    const [effect] = data(response, "estimate_effects").effects;
    expect(effect).toMatchObject({ learnedEffect: 0.1, hasEnoughEvidence: false, observedEffect: null });
  });

  test.each([
    { message: { baseline: { n: 10, retained: 11 }, treatments: [] }, field: "baseline.retained", title: "refuses a baseline retaining more than it holds" },
    { message: { baseline, treatments: [{ treatmentKey: "x", catalogEffect: 1.2, n: 1, retained: 1 }] }, field: "treatments.0.catalogEffect", title: "refuses a catalog effect above 1" },
    { message: { baseline, treatments: [{ treatmentKey: "x", catalogEffect: 0.1, n: 1.5, retained: 1 }] }, field: "treatments.0.n", title: "refuses a fractional outcome count" },
    { message: { baseline, treatments: [{ treatmentKey: "x", catalogEffect: 0.1, n: 5, retained: 6 }] }, field: "treatments.0.retained", title: "refuses a treatment retaining more than it treated" },
    { message: { baseline, treatments: [], priorStrength: 0 }, field: "priorStrength", title: "refuses a prior strength of 0" },
  ])("$title", async ({ message, field }) => {
    const response = await send({ type: "estimate_effects", ...message });
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error).toMatchObject({ code: "invalid_message", field });
  });
});

describe("messages the agent does not handle", () => {
  test.each([
    { message: { type: "delete_outcomes" }, title: "answers an unknown type with a typed error" },
    { message: null, title: "answers null with a typed error" },
    { message: { type: "toString" }, title: "answers an inherited property name with a typed error" },
  ])("$title", async ({ message }) => {
    const response = await send(message);
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error.code).toBe("unknown_message_type");
  });
});
