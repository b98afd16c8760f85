import { expect, test } from "vitest";
import { RISK_BANDS, riskBandOf, riskBands } from "./risk-band";

test.each([
  { case: "no score", score: null, band: null },
  { case: "a score that is not a number", score: Number.NaN, band: null },
  { case: "a score of 0", score: 0, band: "low" },
  { case: "a score just under 0.3", score: 0.2999, band: "low" },
  { case: "a score of exactly 0.3", score: 0.3, band: "medium" },
  { case: "a score just under 0.6", score: 0.5999, band: "medium" },
  { case: "a score of exactly 0.6", score: 0.6, band: "high" },
  { case: "a score of 1", score: 1, band: "high" },
])("reads $case as $band", ({ score, band }) => {
  expect(riskBandOf(score)).toBe(band);
});

test("bands follow one another without a gap, lowest first", () => {
  expect(riskBands).toEqual(["low", "medium", "high"]);
  expect(RISK_BANDS.low.max).toBe(RISK_BANDS.medium.min);
  expect(RISK_BANDS.medium.max).toBe(RISK_BANDS.high.min);
});
