import { describe, expect, test } from "vitest";
import { logit, sigmoid } from "../model/logistic";
import { mulberry32 } from "../random";
import { IDENTITY_CALIBRATION, calibrateLogit, fitCalibration, recalibrateFromOutcomes } from "./calibration";

describe("fitCalibration", () => {
  test("recovers the intercept and slope that map an over-confident score onto the truth", () => {
    const random = mulberry32(5);
    const z: number[] = [];
    const churned: boolean[] = [];
    for (let i = 0; i < 20_000; i++) {
      const score = random() * 6 - 3;
      z.push(score);
      churned.push(random() < sigmoid(-0.6 + 0.7 * score));
    }
    const fitted = fitCalibration(z, churned);
    expect(Math.abs(fitted.intercept + 0.6)).toBeLessThan(0.06);
    expect(Math.abs(fitted.slope - 0.7)).toBeLessThan(0.06);
  });
});

describe("recalibrateFromOutcomes", () => {
  // Outcomes drawn from a truth whose 12-month risk is sigmoid(truth(logit(risk used))), seen over `windowMonths`.
  function outcomes(opts: { n: number; truth: (u: number) => number; windowMonths: number; seed: number }) {
    const random = mulberry32(opts.seed);
    return Array.from({ length: opts.n }, () => {
      const risk = 0.05 + random() * 0.8;
      const yearly = sigmoid(opts.truth(logit(risk)));
      const inWindow = 1 - (1 - yearly) ** (opts.windowMonths / 12);
      return { risk, hasLeft: random() < inWindow };
    });
  }

  test.each([
    { name: "a score 0.5 too high on the logit over 12-month windows", truth: (u: number) => u - 0.5, windowMonths: 12, intercept: -0.5, slope: 1 },
    { name: "a score 0.5 too high seen through 90-day windows", truth: (u: number) => u - 0.5, windowMonths: 3, intercept: -0.5, slope: 1 },
    { name: "a score too spread out", truth: (u: number) => 0.2 + 0.6 * u, windowMonths: 12, intercept: 0.2, slope: 0.6 },
  ])("learns $name", ({ truth, windowMonths, intercept, slope }) => {
    const result = recalibrateFromOutcomes({ current: IDENTITY_CALIBRATION, observations: outcomes({ n: 40_000, truth, windowMonths, seed: 9 }), windowMonths });
    expect(result.ok).toBe(true);
    expect(Math.abs(result.calibration.intercept - intercept)).toBeLessThan(0.12);
    expect(Math.abs(result.calibration.slope - slope)).toBeLessThan(0.08);
  });

  test("composes with the current calibration so the answer still applies to raw logits", () => {
    const current = { intercept: 0.3, slope: 0.9 };
    const observations = outcomes({ n: 40_000, truth: (u) => u - 0.4, windowMonths: 12, seed: 4 });
    const result = recalibrateFromOutcomes({ current, observations, windowMonths: 12 });
    // Raw logit 1 → current 1.2 → truth 0.8; the composed map must send 1 to about 0.8.
    expect(calibrateLogit(1, result.calibration)).toBeCloseTo(0.8, 1);
  });

  test.each([
    { name: "199 outcomes, one short of 200", observations: Array.from({ length: 199 }, (_, i) => ({ risk: 0.3, hasLeft: i % 3 === 0 })), reason: /199 of 200/ },
    { name: "200 outcomes that all stayed", observations: Array.from({ length: 200 }, () => ({ risk: 0.3, hasLeft: false })), reason: /all stayed/ },
  ])("keeps the current calibration with $name", ({ observations, reason }) => {
    const current = { intercept: 0.1, slope: 1.1 };
    const result = recalibrateFromOutcomes({ current, observations, windowMonths: 3 });
    expect(result.ok).toBe(false);
    expect(result.calibration).toEqual(current);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
