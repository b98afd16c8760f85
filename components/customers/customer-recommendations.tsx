import type { CustomerRecommendationRow } from "@/lib/queries/customers";
import { PolicyBadge } from "../recommendations/policy-badge";
import { RecommendationStatusBadge } from "../recommendations/recommendation-status-badge";
import { EmptyState } from "../ui/empty-state";
import { formatDateTime, formatMoney, formatPercent } from "../ui/format";

export function CustomerRecommendations({ recommendations }: { recommendations: CustomerRecommendationRow[] }) {
  if (recommendations.length === 0) {
    return <EmptyState title="No recommendations yet." testId="recommendations-empty">Run the pipeline for this customer from Runs.</EmptyState>;
  }
  return (
    <ul className="space-y-3" data-testid="customer-recommendations">
      {recommendations.map((r) => (
        <li key={r.id} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="customer-recommendation">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium text-zinc-900">{r.treatment ? r.treatment.name : "No action"}</span>
            <RecommendationStatusBadge status={r.status} />
            <PolicyBadge policy={r.policy} />
            <span className="ml-auto text-xs text-zinc-500">{formatDateTime(r.createdAt)}</span>
          </div>
          <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm">
            <div>
              <dt className="inline text-zinc-500">Confidence </dt>
              <dd className="inline tabular-nums">{formatPercent(r.confidence)}</dd>
            </div>
            <div>
              <dt className="inline text-zinc-500">Expected value </dt>
              <dd className="inline tabular-nums">{formatMoney(r.expectedValue)}</dd>
            </div>
          </dl>
          <p className="mt-2 text-sm text-zinc-800">{r.rationale}</p>
          <p className="mt-1 text-xs text-zinc-600">{r.permissionStatement}</p>
          {r.failureReason ? <p className="mt-1 text-sm text-red-700">Failed: {r.failureReason}</p> : null}
        </li>
      ))}
    </ul>
  );
}
