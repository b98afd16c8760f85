import { describe, expect, test } from "vitest";
import { mulberry32 } from "../random";
import { auc, calibrationTable, fitLogistic, sigmoid } from "./logistic";

function synthetic(opts: { n: number; intercept: number; coefficients: number[]; seed: number }) {
  const random = mulberry32(opts.seed);
  const x: number[][] = [];
  const y: boolean[] = [];
  for (let i = 0; i < opts.n; i++) {
    const row = [random() * 4 - 2, random() < 0.5 ? 1 : 0];
    const z = opts.intercept + row.reduce((s, v, j) => s + v * opts.coefficients[j]!, 0);
    x.push(row);
    y.push(random() < sigmoid(z));
  }
  return { x, y };
}

describe("fitLogistic", () => {
  test.each([
    { intercept: -0.5, coefficients: [1.2, -0.8] },
    { intercept: 1, coefficients: [0.3, 0.9] },
  ])("recovers intercept $intercept and coefficients $coefficients from 20,000 drawn rows within 0.1", ({ intercept, coefficients }) => {
    const { x, y } = synthetic({ n: 20_000, intercept, coefficients, seed: 7 });
    const fit = fitLogistic({ x, y });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(intercept, 0);
    expect(Math.abs(fit.intercept - intercept)).toBeLessThan(0.1);
    fit.coefficients.forEach((c, j) => expect(Math.abs(c - coefficients[j]!)).toBeLessThan(0.1));
  });

  test("predicts the observed rate on average over the rows it was fitted on", () => {
    const { x, y } = synthetic({ n: 5_000, intercept: -1, coefficients: [0.7, 0.4], seed: 3 });
    const fit = fitLogistic({ x, y });
    const mean = x.reduce((s, row) => s + sigmoid(fit.intercept + row[0]! * fit.coefficients[0]! + row[1]! * fit.coefficients[1]!), 0) / x.length;
    expect(mean).toBeCloseTo(y.filter(Boolean).length / y.length, 3);
  });

  test("keeps weights finite when an input separates the classes perfectly", () => {
    const fit = fitLogistic({ x: [[0], [0], [1], [1]], y: [false, false, true, true], ridge: 0.1 });
    expect(Number.isFinite(fit.coefficients[0])).toBe(true);
    expect(fit.coefficients[0]).toBeGreaterThan(1);
  });

  test.each([
    { name: "no rows", x: [], y: [] },
    { name: "more labels than rows", x: [[1]], y: [true, false] },
  ])("refuses $name", ({ x, y }) => {
    expect(() => fitLogistic({ x, y })).toThrow(/fitLogistic/);
  });
});

describe("auc", () => {
  test.each([
    { name: "a perfect ranking is 1", scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true], expected: 1 },
    { name: "a reversed ranking is 0", scores: [0.9, 0.8, 0.2, 0.1], labels: [false, false, true, true], expected: 0 },
    { name: "all scores tied is one half", scores: [0.5, 0.5, 0.5, 0.5], labels: [false, true, false, true], expected: 0.5 },
    // Pairs (churner, stayer): (0.4, 0.1) win, (0.4, 0.6) lose, (0.8, 0.1) win, (0.8, 0.6) win: 3 of 4.
    { name: "one misordered pair of four is 0.75", scores: [0.1, 0.4, 0.6, 0.8], labels: [false, true, false, true], expected: 0.75 },
    // The tie between a churner and a stayer at 0.5 counts one half: (1 + 0.5) / 2.
    { name: "a tie across classes counts one half", scores: [0.2, 0.5, 0.5], labels: [false, false, true], expected: 0.75 },
  ])("$name", ({ scores, labels, expected }) => {
    expect(auc(scores, labels)).toBeCloseTo(expected, 10);
  });

  test("is undefined (NaN) with only one class", () => {
    expect(auc([0.1, 0.2], [true, true])).toBeNaN();
  });
});

describe("calibrationTable", () => {
  test("cuts 20 rows into 10 groups of 2 and finds the largest gap in points", () => {
    // Each pair predicts p and holds one churner in the 5th pair only: observed 50% against 0.45.
    const predicted = Array.from({ length: 20 }, (_, i) => Math.floor(i / 2) / 10 + 0.05);
    const labels = predicted.map((_, i) => i === 8);
    const table = calibrationTable(predicted, labels);
    expect(table.rows).toHaveLength(10);
    expect(table.rows.every((r) => r.n === 2)).toBe(true);
    expect(table.rows[4]).toMatchObject({ decile: 5, predicted: expect.closeTo(0.45, 10), observed: 0.5 });
    expect(table.rows[4]!.gapPoints).toBeCloseTo(5, 10);
    // The 10th pair predicts 95% and holds no churner: the largest gap, 95 points.
    expect(table.maxGapPoints).toBeCloseTo(95, 10);
  });

  test.each([
    { name: "uneven sizes differ by at most one row", n: 23, groups: 10 },
    { name: "fewer rows than groups leaves no empty group", n: 4, groups: 10 },
  ])("$name", ({ n, groups }) => {
    const table = calibrationTable(Array.from({ length: n }, (_, i) => i / n), Array.from({ length: n }, () => false), groups);
    const sizes = table.rows.map((r) => r.n);
    expect(sizes.reduce((s, v) => s + v, 0)).toBe(n);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  test("a calibrated model's Hosmer–Lemeshow statistic stays under the 5% critical value", () => {
    const random = mulberry32(11);
    const predicted = Array.from({ length: 10_000 }, () => random());
    const labels = predicted.map((p) => random() < p);
    expect(calibrationTable(predicted, labels).hosmerLemeshow).toBeLessThan(18.3);
  });
});
