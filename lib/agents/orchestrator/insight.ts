// The insight a run keeps for each customer it analysed: the journey agent's own numbers, so
// lists filter by exactly what the decision read.
import type { CustomerInsightRecord } from "../allocation/ports";
import type { JourneyAnalysis, JourneyPattern } from "../domain";

const severityRank: Record<JourneyPattern["severity"], number> = { low: 1, medium: 2, high: 3 };

/** `analysis` as the customer's stored insight; money rounded to pence as the columns keep it. */
export function insightOf(analysis: JourneyAnalysis, runId: string | null): CustomerInsightRecord {
  const m = analysis.metrics;
  const worst = analysis.patterns.reduce<JourneyPattern["severity"] | null>((w, p) => (w === null || severityRank[p.severity] > severityRank[w] ? p.severity : w), null);
  return {
    customerId: analysis.customerId,
    runId,
    asOf: analysis.asOf,
    churnRisk: m.churnRisk,
    lifetimeValue: Math.round(m.lifetimeValue * 100) / 100,
    valueTier: m.valueTier,
    monthlyRevenue: Math.round(m.monthlyRevenue * 100) / 100,
    tenureMonths: m.tenureMonths,
    revenueTrend: m.revenueTrend,
    usageTrend: m.usageTrend,
    complaintCount: m.complaintCount,
    complaintsLast90Days: m.complaintsLast90Days,
    incidentsLast90Days: m.incidentsLast90Days,
    latePayments: m.latePayments,
    missedPayments: m.missedPayments,
    latestChurnScore: m.latestChurnScore,
    sentiment: m.sentiment,
    patterns: [...new Set(analysis.patterns.map((p) => p.key))],
    maxSeverity: worst,
  };
}
