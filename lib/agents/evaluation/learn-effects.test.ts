import { describe, expect, test } from "vitest";
import { fitBaseline } from "./effect-baseline";
import { CATALOG_SPREAD_BOUNDS, type ContactCounts, DEFAULT_CATALOG_SPREAD, type EffectCatalogEntry, type TreatmentOutcome, catalogSpread, learnEffects, reachOf } from "./learn-effects";

const offer: EffectCatalogEntry = { key: "offer", expectedEffect: 0.2, goal: "retention", eligibility: {}, isNoAction: false };

/** `n` outcomes of one kind, the first `left` of them leavers (at 90 days, or at 30 with the 90 still open when `isAt30d`). */
function outcomes(opts: { n: number; left: number; risk: number | null; isHeldOut: boolean; patterns?: TreatmentOutcome["patterns"]; isAt30d?: boolean }): TreatmentOutcome[] {
  return Array.from({ length: opts.n }, (_, i) => ({
    treatmentKey: "offer",
    isHeldOut: opts.isHeldOut,
    risk: opts.risk,
    patterns: opts.patterns ?? [],
    hasStayed: opts.isAt30d ? null : i >= opts.left,
    hasStayed30d: opts.isAt30d ? i >= opts.left : null,
  }));
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

  test.each([
    { title: "79 leavers, one short of two bands' 40 each, make one band", leavers: 79, bands: 1 },
    { title: "80 leavers make two bands", leavers: 80, bands: 2 },
    { title: "400 leavers make five bands, the most", leavers: 400, bands: 5 },
  ])("$title", ({ leavers, bands }) => {
    // Every held-out customer at a risk of their own, half of them leavers: count the distinct groups expectations are read from.
    const heldOut = Array.from({ length: leavers * 2 }, (_, i) => ({ risk: (i + 1) / (leavers * 2 + 1), hasLeft: i % 2 === 0 }));
    const baseline = fitBaseline(heldOut);
    expect(new Set(heldOut.map((o) => baseline.sourceOf(o.risk).key)).size).toBe(bands);
    expect(baseline.sourceOf(heldOut[0]!.risk).relativeVariance).toBeCloseTo(1 / Math.round(leavers / bands), 1);
  });

  test("with no held-out customer scored, a scored customer gets the plain held-out churn", () => {
    expect(fitBaseline([{ risk: null, hasLeft: true }, { risk: null, hasLeft: false }]).expectedChurn(0.7)).toBe(0.5);
  });
});

describe("learnEffects", () => {
  const exact = { spread: Number.POSITIVE_INFINITY, minOutcomes: 1, minBaseline: 1, bands: 2 };

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
    // 100 held out at risk 0.5, 50 leave; 100 treated, 30 leave: 50 expected, reading 1 − 30/50 = 40%,
    // variance 30/50² + (30/50)²/50 = 0.0192 (its own leavers, then the 50 held-out leavers it rests on).
    // Prior 20% with variance (spread × 20%)² + 0.01²; the estimate moves by prior variance / (prior variance + 0.0192).
    { title: "a catalog off by half of itself keeps two thirds of the weight against 30 leavers", spread: 0.5, heldOut: 100, expected: 0.2 + (0.0101 / (0.0101 + 0.0192)) * 0.2 },
    { title: "a catalog off by twice itself keeps a tenth", spread: 2, heldOut: 100, expected: 0.2 + (0.1601 / (0.1601 + 0.0192)) * 0.2 },
    // 20 held out, 10 leave: the same reading rests on 10 held-out leavers, variance 0.012 + 0.36/10 = 0.048.
    { title: "a small control group leaves more weight to the catalog, its error shared by every treatment", spread: 0.5, heldOut: 20, expected: 0.2 + (0.0101 / (0.0101 + 0.048)) * 0.2 },
  ])("$title", ({ spread, heldOut, expected }) => {
    const rows = learnEffects({ ...exact, spread, catalog: [offer], outcomes: [...outcomes({ n: heldOut, left: heldOut / 2, risk: 0.5, isHeldOut: true }), ...outcomes({ n: 100, left: 30, risk: 0.5, isHeldOut: false })] });
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

describe("reachOf", () => {
  const call = (key: string): EffectCatalogEntry => ({ ...offer, key, channel: "call" });
  test.each<{ title: string; contacts: Record<string, ContactCounts>; reach: number }>([
    { title: "a channel never attempted reaches everyone, as the catalog assumes", contacts: {}, reach: 1 },
    { title: "a treatment never tried starts at its channel's rate", contacts: { b: { attempts: 100, made: 60 } }, reach: 0.6 },
    { title: "20 attempts of its own weigh as much as the channel", contacts: { a: { attempts: 20, made: 20 }, b: { attempts: 180, made: 100 } }, reach: (20 + 20 * 0.6) / 40 },
    { title: "many attempts of its own outweigh the channel", contacts: { a: { attempts: 2000, made: 1000 }, b: { attempts: 2000, made: 2000 } }, reach: (1000 + 20 * 0.75) / 2020 },
  ])("$title", ({ contacts, reach }) => {
    expect(reachOf([call("a"), call("b")], contacts).get("a")).toBeCloseTo(reach, 10);
  });
});

describe("learnEffects from contacts and 30-day stays", () => {
  const exact = { spread: Number.POSITIVE_INFINITY, minOutcomes: 1, minBaseline: 1, bands: 2 };

  test.each([
    // No data to speak of (one treated outcome), a strong prior: the estimate is the prior.
    { title: "every contact made: shrunk towards the catalog's 20%", made: 100, expected: 0.2 },
    { title: "half the contacts made: shrunk towards 10%, what deciding to treat buys", made: 50, expected: 0.1 },
  ])("$title", ({ made, expected }) => {
    const [row] = learnEffects({
      ...exact,
      spread: 0,
      catalog: [{ ...offer, channel: "email" }],
      contacts: { offer: { attempts: 100, made } },
      outcomes: [...outcomes({ n: 100, left: 50, risk: 0.5, isHeldOut: true }), ...outcomes({ n: 1, left: 0, risk: 0.5, isHeldOut: false })],
    });
    expect(row!.learnedEffect).toBeCloseTo(expected, 3);
  });

  test.each([
    // 30-day baseline: 20 of 100 leave at risk 0.5; the 100 treated seen only at 30 days lose 15: effect 1 − 15/20 = 25%.
    { title: "a treated customer seen only at 30 days is read against the held-out 30-day stays", heldOut30: 100, treatedRows: 1, effect: 0.25 },
    { title: "with too few held-out 30-day stays to compare with, 30-day outcomes teach nothing", heldOut30: 49, treatedRows: 0, effect: null },
  ])("$title", ({ heldOut30, treatedRows, effect }) => {
    const rows = learnEffects({
      ...exact,
      minBaseline: 50,
      catalog: [offer],
      outcomes: [
        ...outcomes({ n: 100, left: 50, risk: 0.5, isHeldOut: true }),
        ...outcomes({ n: heldOut30, left: heldOut30 / 5, risk: 0.5, isHeldOut: true, isAt30d: true }),
        ...outcomes({ n: 100, left: 15, risk: 0.5, isHeldOut: false, isAt30d: true }),
      ],
    });
    expect(rows).toHaveLength(treatedRows);
    if (effect !== null) expect(rows[0]!.learnedEffect).toBeCloseTo(effect, 10);
  });

  test.each([
    // A catalog at 35% for a call that reaches 65% of customers and removes 18% of churn when it does
    // (11.7% bought by deciding to call): 400 treated at risk 0.5 against 400 held out, churn exact,
    // one treatment so the catalog's spread is the default.
    { title: "with the calls' reach, the estimate lands nearer the 11.7% truth than the catalog's 35%", made: 65 },
    { title: "without it, the same outcomes still move the estimate from 35% towards the truth", made: 100 },
  ])("$title", ({ made }) => {
    const truth = 0.65 * 0.18;
    const left = Math.round(200 * (1 - truth));
    const [row] = learnEffects({
      minOutcomes: 1,
      minBaseline: 1,
      catalog: [{ ...offer, expectedEffect: 0.35, channel: "call" }],
      contacts: { offer: { attempts: 100, made } },
      outcomes: [...outcomes({ n: 400, left: 200, risk: 0.5, isHeldOut: true }), ...outcomes({ n: 400, left, risk: 0.5, isHeldOut: false })],
    });
    expect(Math.abs(row!.learnedEffect - truth)).toBeLessThan(Math.abs(0.35 - truth) / 2);
    if (made < 100) expect(row!.learnedEffect).toBeLessThan(0.35 * 0.65);
  });
});

describe("catalogSpread", () => {
  const reading = (observed: number, prior: number, variance = 0) => ({ observed, prior, variance });
  test.each([
    { title: "two treatments are too few to read it: the default", readings: [reading(0.4, 0.2), reading(0.1, 0.2)], spread: DEFAULT_CATALOG_SPREAD },
    { title: "readings on their priors: the lower bound, not certainty", readings: [reading(0.2, 0.2), reading(0.1, 0.1), reading(0.3, 0.3)], spread: CATALOG_SPREAD_BOUNDS.min },
    { title: "readings off by half of their priors: a half", readings: [reading(0.3, 0.2), reading(0.05, 0.1), reading(0.45, 0.3)], spread: 0.5 },
    { title: "the same distances, all explained by the readings' own variance: the lower bound", readings: [reading(0.3, 0.2, 0.01), reading(0.05, 0.1, 0.0025), reading(0.45, 0.3, 0.0225)], spread: CATALOG_SPREAD_BOUNDS.min },
    { title: "readings three times their priors: the upper bound", readings: [reading(0.6, 0.2), reading(0.3, 0.1), reading(0.9, 0.3)], spread: CATALOG_SPREAD_BOUNDS.max },
  ])("$title", ({ readings, spread }) => {
    expect(catalogSpread(readings)).toBeCloseTo(spread, 10);
  });
});
