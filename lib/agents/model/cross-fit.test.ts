import { describe, expect, test } from "vitest";
import { mulberry32 } from "../random";
import { type ChurnRow, crossFitChurn, fitChurnModel, fitProfileModel, predictChurn } from "./churn-fit";
import { crossFit, crossFitFolds } from "./cross-fit";

const CONTRACTS = ["Month-to-month", "One year", "Two year"];

/** Customers whose churn is drawn from their contract and tenure, fixed by `seed`. */
function churnRows(n: number, seed: number): ChurnRow[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const contract = Math.floor(random() * 3);
    const tenureMonths = Math.floor(random() * 72);
    const monthlyRevenue = 20 + Math.round(random() * 9000) / 100;
    const z = 0.5 - 1.2 * contract - 0.03 * tenureMonths + 0.01 * monthlyRevenue;
    return { id: `C${String(i).padStart(5, "0")}`, profile: { contractType: CONTRACTS[contract]!, tenureMonths, monthlyRevenue, attributes: {} }, churned: random() < 1 / (1 + Math.exp(-z)) };
  });
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

describe("crossFitFolds", () => {
  test.each([
    { title: "23 customers in 10 folds: sizes and churners differ by at most one", n: 23, folds: 10 },
    { title: "1,000 customers in 10 folds: sizes and churners differ by at most one", n: 1000, folds: 10 },
    { title: "7 customers in 3 folds: sizes and churners differ by at most one", n: 7, folds: 3 },
  ])("$title", ({ n, folds }) => {
    const rows = churnRows(n, 5);
    const foldOf = crossFitFolds(rows, folds);
    const sizes = Array.from({ length: folds }, (_, k) => foldOf.filter((f) => f === k).length);
    const churners = Array.from({ length: folds }, (_, k) => rows.filter((r, i) => r.churned && foldOf[i] === k).length);
    expect(sizes.reduce((s, v) => s + v, 0)).toBe(n);
    expect(spread(sizes)).toBeLessThanOrEqual(1);
    expect(spread(churners)).toBeLessThanOrEqual(1);
  });

  test("a customer keeps its fold whatever the order of the file", () => {
    const rows = churnRows(300, 8);
    const reversed = [...rows].reverse();
    const folds = crossFitFolds(rows, 10);
    const foldById = new Map(rows.map((r, i) => [r.id, folds[i]]));
    crossFitFolds(reversed, 10).forEach((fold, i) => expect(fold).toBe(foldById.get(reversed[i]!.id)));
  });

  test.each([{ folds: 1 }, { folds: 0 }, { folds: 2.5 }])("refuses $folds folds", ({ folds }) => {
    expect(() => crossFitFolds(churnRows(10, 1), folds)).toThrow(/crossFitFolds/);
  });
});

describe("crossFit", () => {
  test.each([
    { title: "40 customers in 4 folds", n: 40, folds: 4 },
    { title: "101 customers in 10 folds", n: 101, folds: 10 },
  ])("$title: every customer is scored exactly once, by a model whose training excluded it and held every other fold", ({ n, folds }) => {
    const rows = churnRows(n, 2);
    const foldOf = crossFitFolds(rows, folds);
    const trainings: Set<string>[] = [];
    const scoredBy = new Map<string, number[]>();
    crossFit({
      rows,
      labels: rows.map((r) => r.churned),
      foldOf,
      fit: (training) => {
        const model = trainings.push(new Set(training.map((r) => r.id))) - 1;
        return (row) => {
          scoredBy.set(row.id, [...(scoredBy.get(row.id) ?? []), model]);
          return model;
        };
      },
    });
    expect(trainings).toHaveLength(folds);
    rows.forEach((row, i) => {
      const models = scoredBy.get(row.id) ?? [];
      expect(models).toHaveLength(1);
      const training = trainings[models[0]!]!;
      expect(training.has(row.id)).toBe(false);
      expect(training.size).toBe(rows.filter((_, j) => foldOf[j] !== foldOf[i]).length);
    });
  });

  test("refuses folds that do not match the rows", () => {
    expect(() => crossFit({ rows: [1, 2, 3], labels: [true, false, true], foldOf: [0, 1], fit: () => () => 0 })).toThrow(/crossFit/);
  });
});

describe("crossFitChurn", () => {
  const rows = churnRows(600, 21);

  test("a customer's risk is the one the model fitted on the other folds gives it", () => {
    const scores = crossFitChurn(rows, 5);
    const foldOf = crossFitFolds(rows, 5);
    for (const i of [0, 137, 599]) {
      const { model } = fitProfileModel(rows.filter((_, j) => foldOf[j] !== foldOf[i]));
      expect(scores[i]).toBe(predictChurn(model, rows[i]!));
    }
  });

  test("the same file gives the same report, and the model shipped is the one fitted on every row", () => {
    const report = fitChurnModel(rows, { folds: 5 });
    expect(fitChurnModel(rows, { folds: 5 })).toEqual(report);
    expect(report.model).toEqual(fitProfileModel(rows).model);
    expect(report.crossFitted.rows).toBe(rows.length);
    expect(report.crossValidation[0]!.auc).toBe(report.crossFitted.auc);
    expect(report.halfSplit.fit.rows + report.halfSplit.holdout.rows).toBe(rows.length);
  });
});
