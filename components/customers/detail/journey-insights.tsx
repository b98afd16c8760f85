import type { JourneyAnalysis, JourneyPattern, JourneySummary } from "@/lib/agents/domain";
import { Badge, type BadgeTone } from "../../ui/badge";
import { DescriptionList } from "../../ui/description-list";
import { formatMoney, formatNumber, formatPercent, humanize, plural } from "../../ui/format";

const SEVERITY_TONES: Record<JourneyPattern["severity"], BadgeTone> = { high: "danger", medium: "warning", low: "neutral" };

const signed = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" });

function trend(value: number | null): string {
  return value === null ? "Not known" : signed.format(value);
}

function count(total: number, recent: number): string {
  return `${formatNumber(total)} / ${formatNumber(recent)}`;
}

function days(value: number | null): string {
  return value === null ? "Never" : `${plural(value, "day")} ago`;
}

/** What the journey agent derived: metrics, named patterns with their evidence, and the summary a model reads. */
export function JourneyInsights({ analysis, summary }: { analysis: JourneyAnalysis; summary: JourneySummary }) {
  const m = analysis.metrics;
  return (
    <div className="space-y-4">
      <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="journey-metrics">
        <h3 className="mb-3 text-sm font-semibold text-zinc-900">Metrics</h3>
        <DescriptionList
          items={[
            { label: "Churn risk", value: formatPercent(m.churnRisk), testId: "metric-churn-risk" },
            { label: "Lifetime value", value: formatMoney(m.lifetimeValue) },
            { label: "Value tier", value: humanize(m.valueTier) },
            { label: "Revenue trend", value: trend(m.revenueTrend) },
            { label: "Usage trend", value: trend(m.usageTrend) },
            { label: "Complaints: all / 90 days", value: count(m.complaintCount, m.complaintsLast90Days) },
            { label: "Incidents: all / 90 days", value: count(m.incidentCount, m.incidentsLast90Days) },
            { label: "Poor network", value: m.poorNetworkShare === null ? "Not known" : formatPercent(m.poorNetworkShare) },
            { label: "Late / missed payments", value: `${formatNumber(m.latePayments)} / ${formatNumber(m.missedPayments)}` },
            { label: "Last contact", value: days(m.daysSinceLastContact) },
            { label: "Campaign responses", value: `${formatNumber(m.campaignResponses)} of ${formatNumber(m.campaignContacts)}` },
            { label: "Offers accepted / declined", value: `${formatNumber(m.offersAccepted)} / ${formatNumber(m.offersDeclined)}` },
            { label: "Sentiment", value: m.sentiment === null ? "Not known" : m.sentiment.toFixed(2) },
            { label: "Device age", value: m.deviceAgeMonths === null ? "Not known" : plural(m.deviceAgeMonths, "month") },
            { label: "Port-out enquiry", value: m.hasPortOutEnquiry ? "Yes" : "No" },
            { label: "Churn score (data)", value: m.latestChurnScore === null ? "Not known" : formatPercent(m.latestChurnScore) },
          ]}
        />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="journey-patterns">
          <h3 className="mb-3 text-sm font-semibold text-zinc-900">Patterns</h3>
          {analysis.patterns.length === 0 ? (
            <p className="text-sm text-zinc-600">No named pattern in this journey.</p>
          ) : (
            <ul className="space-y-3">
              {analysis.patterns.map((p) => (
                <li key={p.key} data-testid="journey-pattern">
                  <div className="flex items-center gap-2">
                    <span className="font-medium text-zinc-900">{p.label}</span>
                    <Badge tone={SEVERITY_TONES[p.severity]}>{p.severity}</Badge>
                  </div>
                  <ul className="mt-1 list-disc space-y-0.5 pl-5 text-sm text-zinc-700">
                    {p.evidence.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="journey-summary">
          <h3 className="text-sm font-semibold text-zinc-900">Summary for the model</h3>
          <p className="mb-2 text-xs text-zinc-500">
            {formatNumber(summary.text.length)} of {formatNumber(summary.budgetChars)} characters, from {plural(summary.eventsConsidered, "event")}. This is what the
            language-model policy reads.
          </p>
          <pre className="max-h-72 overflow-y-auto whitespace-pre-wrap rounded bg-zinc-50 p-3 font-mono text-xs text-zinc-800">{summary.text}</pre>
        </div>
      </div>
    </div>
  );
}
