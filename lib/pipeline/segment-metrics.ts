// The stored insight numbers a rule segment may bound: plain data, so the segment form can list them in the browser.
/** Stored insight numbers a rule may bound, with their columns. */
export const segmentMetrics = {
  churnRisk: { column: `"churnRisk"`, label: "Churn risk (0–1)" },
  lifetimeValue: { column: `"lifetimeValue"`, label: "Lifetime value (GBP)" },
  monthlyRevenue: { column: `"monthlyRevenue"`, label: "Monthly revenue (GBP)" },
  tenureMonths: { column: `"tenureMonths"`, label: "Tenure (months)" },
  revenueTrend: { column: `"revenueTrend"`, label: "Revenue trend (fraction)" },
  usageTrend: { column: `"usageTrend"`, label: "Usage trend (fraction)" },
  complaintCount: { column: `"complaintCount"`, label: "Complaints" },
  complaintsLast90Days: { column: `"complaintsLast90Days"`, label: "Complaints, last 90 days" },
  incidentsLast90Days: { column: `"incidentsLast90Days"`, label: "Network incidents, last 90 days" },
  latePayments: { column: `"latePayments"`, label: "Late payments" },
  missedPayments: { column: `"missedPayments"`, label: "Missed payments" },
  latestChurnScore: { column: `"latestChurnScore"`, label: "Latest churn score" },
  sentiment: { column: `"sentiment"`, label: "Sentiment" },
} as const;
export type SegmentMetric = keyof typeof segmentMetrics;
