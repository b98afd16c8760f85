import { describe, expect, test } from "vitest";
import { mulberry32 } from "../random";
import { crossValidate, isotonicMap, logisticCandidate, maxGapIfCalibrated } from "./calibration-check";

describe("maxGapIfCalibrated", () => {
  test.each([
    { title: "certain predictions (0 or 1) leave no room for chance: gap 0", predicted: Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 0 : 1)), low: 0, high: 0 },
    // Ten deciles of 351 at 30%: each observed rate has a standard error of 2.4 points; the largest of ten |N(0, 2.4)| averages about 4.
    { title: "3,510 customers at 30% show a largest decile gap of about 4 points by chance", predicted: new Array<number>(3510).fill(0.3), low: 3, high: 5 },
  ])("$title", ({ predicted, low, high }) => {
    const { mean, p95 } = maxGapIfCalibrated(predicted, { draws: 200, seed: 1 });
    expect(mean).toBeGreaterThanOrEqual(low);
    expect(mean).toBeLessThanOrEqual(high);
    expect(p95).toBeGreaterThanOrEqual(mean);
  });
});

describe("isotonicMap", () => {
  test("pools adjacent violators into their mean and steps up with the score", () => {
    const map = isotonicMap([1, 2, 3, 4], [false, true, false, true]);
    expect([map(1), map(2), map(3), map(4)]).toEqual([0.001, 0.5, 0.5, 0.999]);
  });
});

describe("crossValidate", () => {
  test("prefers the inputs the labels were drawn from over an unrelated one", () => {
    const random = mulberry32(3);
    const x = Array.from({ length: 2000 }, () => [random() * 4 - 2, random()]);
    const labels = x.map((r) => random() < 1 / (1 + Math.exp(-2 * r[0]!)));
    const foldOf = x.map((_, i) => i % 5);
    const [right, wrong] = crossValidate({
      rows: x,
      labels,
      foldOf,
      candidates: [
        { name: "right", fit: logisticCandidate<number[]>({ inputs: (r) => [r[0]!], isIsotonic: false }) },
        { name: "wrong", fit: logisticCandidate<number[]>({ inputs: (r) => [r[1]!], isIsotonic: false }) },
      ],
    });
    expect(right!.logLoss).toBeLessThan(wrong!.logLoss);
    expect(right!.auc).toBeGreaterThan(0.8);
  });
});
