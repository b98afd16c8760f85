import { describe, expect, test } from "vitest";
import { fitBaseline } from "./effect-baseline";
import { type EffectCatalogEntry, type TreatmentOutcome, learnEffects } from "./learn-effects";

const offer: EffectCatalogEntry = { key: "offer", expectedEffect: 0.2, goal: "retention", eligibility: {}, isNoAction: false };

/** `n` outcomes of one kind, the first `left` of them leavers. */
function outcomes(opts: { n: number; left: number; risk: number | null; isHeldOut: boolean; patterns?: TreatmentOutcome["patterns"] }): TreatmentOutcome[] {
  return Array.from({ length: opts.n }, (_, i) => ({ treatmentKey: "offer", isHeldOut: opts.isHeldOut, risk: opts.risk, patterns: opts.patterns ?? [], hasStayed: i >= opts.left }));
}

describe("fitBaseline", () => {
  test.each([
    // Band 1 (risk 0.1): 5 leavers over 5.0 of risk; band 2 (risk 0.5): 25 over 25.
    { title: "a risk in the low band is scaled by the low band's leavers per unit of risk", risk: 0.05, expected: 0.05 },
    { title: "the top band's rate applies above the highest held-out risk, capped at 1", risk: 3, expected: 1 },
    { title: "a customer without a scored risk gets the held-out churn of those without one", risk: null, expected: 0.25 },
  ])("$title", ({ risk, expected }) => {
    const heldOut = [
      ...outcomes({ n: 50, left: 5, risk: 0.1, isHeldOut: true }),
      ...outcomes({ n: 50, left: 25, risk: 0.5, isHeldOut: true }),
      ...outcomes({ n: 4, left: 1, risk: null, isHeldOut: true }),
    ].map((o) => ({ risk: o.risk, hasLeft: !o.hasStayed }));
    expect(fitBaseline(heldOut, { bands: 2 }).expectedChurn(risk)).toBeCloseTo(expected, 10);
  });

  test("with no held-out customer scored, a scored customer gets the plain held-out churn", () => {
    expect(fitBaseline([{ risk: null, hasLeft: true }, { risk: null, hasLeft: false }]).expectedChurn(0.7)).toBe(0.5);
  });
});

describe("learnEffects", () => {
  const exact = { priorLeavers: 0, minOutcomes: 1, minBaseline: 1, bands: 2 };

  test("compares the treated with held-out customers of their own risk, not with every held-out customer", () => {
    // Held out: churn 10% at risk 0.1 and 50% at risk 0.5 (30% overall). The treated are all at
    // risk 0.5 and 40% leave: the effect is 1 − 0.4/0.5 = 20%. Against all held out, 1 − 0.4/0.3 < 0.
    const rows = learnEffects({
      ...exact,
      catalog: [offer],
      outcomes: [...outcomes({ n: 50, left: 5, risk: 0.1, isHeldOut: true }), ...outcomes({ n: 50, left: 25, risk: 0.5, isHeldOut: true }), ...outcomes({ n: 100, left: 40, risk: 0.5, isHeldOut: false })],
    });
    expect(rows).toEqual([expect.objectContaining({ treatmentKey: "offer", patternKey: "", learnedEffect: expect.closeTo(0.2, 10), expectedLeavers: expect.closeTo(50, 10), treated: { n: 100, retained: 60 }, baseline: { n: 100, retained: 70 } })]);
  });

  test("a treatment's row is the base the policy adds its pattern uplift to; the pattern's row keeps the uplift", () => {
    // Every treated customer has a high port-out risk (uplift 6%) and shows a 40% effect: the policy,
    // adding 6% to the base, must read 34% as the base; the pattern's own effect is the 40% seen.
    const portOut = [{ key: "port_out_risk", severity: "high" }];
    const rows = learnEffects({
      ...exact,
      catalog: [offer],
      outcomes: [...outcomes({ n: 100, left: 50, risk: 0.5, isHeldOut: true }), ...outcomes({ n: 100, left: 30, risk: 0.5, isHeldOut: false, patterns: portOut })],
    });
    expect(rows.map((r) => [r.patternKey, r.catalogEffect, r.learnedEffect])).toEqual([
      ["", 0.2, expect.closeTo(0.34, 10)],
      ["port_out_risk", expect.closeTo(0.26, 10), expect.closeTo(0.4, 10)],
    ]);
  });

  test("a pattern the treatment does not answer gets no row of its own", () => {
    const rows = learnEffects({
      ...exact,
      catalog: [offer],
      outcomes: [...outcomes({ n: 10, left: 5, risk: 0.5, isHeldOut: true }), ...outcomes({ n: 10, left: 3, risk: 0.5, isHeldOut: false, patterns: [{ key: "poor_network", severity: "high" }] })],
    });
    expect(rows.map((r) => r.patternKey)).toEqual([""]);
    expect(rows[0]!.learnedEffect).toBeCloseTo(0.4, 10);
  });

  test.each([
    // c0 = 0.5: 25 leavers' worth is 50 outcomes at retention 1 − 0.5 × 0.8 = 0.6; (30 + 70) / 150
    // retained, so the effect is 1 − (1/3) / 0.5 = 1/3 (the data alone say 40%, the catalog 20%).
    { title: "a group leaving at 50% is pulled a third of the way to the catalog by 25 leavers' worth", heldOutLeft: 50, treatedLeft: 30, expected: 1 / 3 },
    // c0 = 0.1: the same 25 leavers are 250 outcomes at retention 1 − 0.1 × 0.8 = 0.92; (230 + 94) / 350
    // retained, so 1 − (26/350) / 0.1 = 25.7%: the data (40%) weigh less where few leave.
    { title: "a group leaving at 10% is pulled further, its 100 outcomes holding only 10 leavers", heldOutLeft: 10, treatedLeft: 6, expected: 1 - 26 / 350 / 0.1 },
  ])("$title", ({ heldOutLeft, treatedLeft, expected }) => {
    const risk = heldOutLeft / 100;
    const rows = learnEffects({ ...exact, priorLeavers: 25, catalog: [offer], outcomes: [...outcomes({ n: 100, left: heldOutLeft, risk, isHeldOut: true }), ...outcomes({ n: 100, left: treatedLeft, risk, isHeldOut: false })] });
    expect(rows[0]!.learnedEffect).toBeCloseTo(expected, 10);
  });

  test.each([
    { title: "49 held-out outcomes, one short of 50, teach nothing", heldOut: 49, rows: 0 },
    { title: "50 held-out outcomes, the minimum, are a baseline", heldOut: 50, rows: 1 },
  ])("$title", ({ heldOut, rows }) => {
    const result = learnEffects({ ...exact, minBaseline: 50, catalog: [offer], outcomes: [...outcomes({ n: heldOut, left: 20, risk: 0.4, isHeldOut: true }), ...outcomes({ n: 10, left: 2, risk: 0.4, isHeldOut: false })] });
    expect(result).toHaveLength(rows);
  });

  test.each([
    { title: "199 treated outcomes are kept but not used", n: 199, hasEnoughEvidence: false },
    { title: "200 treated outcomes are used", n: 200, hasEnoughEvidence: true },
  ])("$title", ({ n, hasEnoughEvidence }) => {
    const [row] = learnEffects({ ...exact, minOutcomes: 200, catalog: [offer], outcomes: [...outcomes({ n: 100, left: 50, risk: 0.5, isHeldOut: true }), ...outcomes({ n, left: 60, risk: 0.5, isHeldOut: false })] });
    expect(row!.hasEnoughEvidence).toBe(hasEnoughEvidence);
  });
});
