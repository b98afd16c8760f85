// The churn risk bands: how a churn score is read as low, medium or high risk wherever a person
// filters or scans customers by risk.

/** Bands over a churn score in [0, 1]: `min` inclusive, `max` exclusive; low below 0.3, medium to 0.6, high from 0.6. */
export const RISK_BANDS = {
  low: { min: 0, max: 0.3 },
  medium: { min: 0.3, max: 0.6 },
  high: { min: 0.6, max: Number.POSITIVE_INFINITY },
} as const;

export type RiskBand = keyof typeof RISK_BANDS;

/** The band names, lowest risk first. */
export const riskBands = Object.keys(RISK_BANDS) as RiskBand[];

/** The band of a churn score in [0, 1]; null without a score. A score on a boundary belongs to the higher band. */
export function riskBandOf(score: number | null): RiskBand | null {
  if (score === null || Number.isNaN(score)) return null;
  if (score >= RISK_BANDS.high.min) return "high";
  return score >= RISK_BANDS.medium.min ? "medium" : "low";
}
