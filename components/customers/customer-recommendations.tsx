import type { RecommendationDetail, TraceStepView } from "@/lib/queries/recommendations";
import { PolicyBadge } from "../recommendations/policy-badge";
import { RecommendationStatusBadge } from "../recommendations/recommendation-status-badge";
import { Badge } from "../ui/badge";
import { EmptyState } from "../ui/empty-state";
import { formatDateTime, formatMoney, formatPercent, humanize, plural } from "../ui/format";
import { LazyDetails } from "./detail/lazy-details";

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? "null";
  } catch {
    return String(value);
  }
}

function stepOutcome(step: TraceStepView): { text: string; isOk: boolean } | null {
  const r = step.response as { ok?: unknown; error?: { reason?: unknown } } | null;
  if (!r || typeof r !== "object" || typeof r.ok !== "boolean") return null;
  return r.ok ? { text: "ok", isOk: true } : { text: typeof r.error?.reason === "string" ? r.error.reason : "failed", isOk: false };
}

function TraceSteps({ steps }: { steps: TraceStepView[] }) {
  if (steps.length === 0) return <p className="text-sm text-zinc-600">No agent steps were recorded.</p>;
  return (
    <ol className="space-y-1" data-testid="trace-steps">
      {steps.map((s, i) => {
        const outcome = stepOutcome(s);
        return (
          <li key={i}>
            <LazyDetails
              className="rounded border border-zinc-200 bg-zinc-50 open:bg-white"
              testId="trace-step"
              summaryClassName="flex cursor-pointer flex-wrap items-center gap-2 px-2 py-1 text-xs"
              summary={
                <>
                  <span className="tabular-nums text-zinc-500">{i + 1}.</span>
                  <span className="font-semibold text-zinc-800">{humanize(s.agent)}</span>
                  <span className="font-mono text-zinc-700">{s.type}</span>
                  {outcome ? (
                    <span className={outcome.isOk ? "text-emerald-700" : "text-red-700"} title={outcome.text}>
                      {outcome.isOk ? "ok" : `failed: ${outcome.text.slice(0, 80)}`}
                    </span>
                  ) : null}
                  <span className="ml-auto tabular-nums text-zinc-500">{s.durationMs === null ? "" : `${s.durationMs} ms`}</span>
                </>
              }
            >
              <div className="grid gap-2 border-t border-zinc-200 p-2 lg:grid-cols-2">
                <div>
                  <p className="mb-1 text-xs font-medium text-zinc-600">Message{s.startedAt ? ` · ${formatDateTime(new Date(s.startedAt))}` : ""}</p>
                  <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-900 p-2 font-mono text-[11px] text-zinc-100" data-testid="trace-message">
                    {json(s.message)}
                  </pre>
                </div>
                <div>
                  <p className="mb-1 text-xs font-medium text-zinc-600">Response</p>
                  <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-900 p-2 font-mono text-[11px] text-zinc-100" data-testid="trace-response">
                    {json(s.response)}
                  </pre>
                </div>
              </div>
            </LazyDetails>
          </li>
        );
      })}
    </ol>
  );
}

function Recommendation({ r, resourceNames }: { r: RecommendationDetail; resourceNames: Readonly<Record<string, string>> }) {
  const { trace } = r;
  return (
    <li className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="customer-recommendation" data-status={r.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-zinc-900" data-testid="recommendation-treatment">
          {r.treatment ? r.treatment.name : r.status === "failed" ? "No recommendation" : "No action"}
        </span>
        <span data-testid="recommendation-status">
          <RecommendationStatusBadge status={r.status} />
        </span>
        <PolicyBadge policy={r.policy} />
        {r.overriddenFrom ? <Badge tone="info">Overridden from {r.overriddenFrom.name}</Badge> : null}
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
        {r.treatment?.resourceKey ? (
          <div>
            <dt className="inline text-zinc-500">Resource </dt>
            <dd className="inline" title={r.treatment.resourceKey}>
              {resourceNames[r.treatment.resourceKey] ?? r.treatment.resourceKey}
            </dd>
          </div>
        ) : null}
        {r.nextContactAt ? (
          <div>
            <dt className="inline text-zinc-500">First allowed contact </dt>
            <dd className="inline">{formatDateTime(r.nextContactAt)}</dd>
          </div>
        ) : null}
        {trace.language ? (
          <div>
            <dt className="inline text-zinc-500">Language </dt>
            <dd className="inline">{trace.language}</dd>
          </div>
        ) : null}
      </dl>
      <p className="mt-2 text-sm text-zinc-800" data-testid="recommendation-rationale">
        {r.rationale}
      </p>
      <p className="mt-1 text-xs text-zinc-600">{r.permissionStatement}</p>
      {r.failureReason ? <p className="mt-1 text-sm text-red-700">Failed: {r.failureReason}</p> : null}
      {r.reviewedAt ? (
        <p className="mt-1 text-xs text-zinc-600">
          {humanize(r.status)} {formatDateTime(r.reviewedAt)}
          {r.reviewReason ? `: ${r.reviewReason}` : ""}
        </p>
      ) : null}

      <div className="mt-3 grid gap-3 md:grid-cols-2">
        <div>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Alternatives</h4>
          {r.alternatives.length === 0 ? (
            <p className="text-sm text-zinc-600">None ranked.</p>
          ) : (
            <ol className="mt-1 list-decimal space-y-1 pl-5 text-sm" data-testid="recommendation-alternatives">
              {r.alternatives.map((a) => (
                <li key={a.treatmentKey}>
                  <span className="font-medium">{a.name}</span> <span className="tabular-nums text-zinc-600">{formatMoney(a.expectedValue)}</span>
                  <details className="text-xs text-zinc-600">
                    <summary className="cursor-pointer">Why</summary>
                    {a.reason}
                  </details>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Fallback path</h4>
          {r.fallbackPath.length === 0 ? (
            <p className="text-sm text-zinc-600">First choice held; no fallback needed.</p>
          ) : (
            <ol className="mt-1 space-y-1 text-sm" data-testid="recommendation-fallback">
              {r.fallbackPath.map((h, i) => (
                <li key={`${h.treatmentKey}-${i}`}>
                  <span className="font-medium">{h.name}</span> <Badge tone="danger">{h.outcome}</Badge>
                  <span className="block text-xs text-zinc-600">{h.reason}</span>
                </li>
              ))}
              <li className="text-xs text-zinc-600">→ {r.treatment?.name ?? "No action"}</li>
            </ol>
          )}
        </div>
      </div>

      <details className="mt-3 rounded-md border border-zinc-200" data-testid="recommendation-trace">
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-zinc-800">
          Agent trace · {plural(trace.steps.length, "step")}
          {trace.usage ? ` · ${plural(trace.usage.calls, "model call")}, ${plural(trace.usage.promptTokens + trace.usage.completionTokens, "token")}` : ""}
        </summary>
        <div className="space-y-3 border-t border-zinc-200 p-3">
          {trace.evidence.length > 0 ? (
            <div>
              <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Evidence</h4>
              <ul className="mt-1 list-disc pl-5 text-sm text-zinc-700">
                {trace.evidence.map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {trace.notes.length > 0 ? (
            <div>
              <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Notes</h4>
              <ul className="mt-1 list-disc pl-5 text-sm text-zinc-700">
                {trace.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <TraceSteps steps={trace.steps} />
        </div>
      </details>
    </li>
  );
}

type CustomerRecommendationsProps = {
  recommendations: RecommendationDetail[];
  /** Capacity resource names by key. */
  resourceNames: Readonly<Record<string, string>>;
};

export function CustomerRecommendations({ recommendations, resourceNames }: CustomerRecommendationsProps) {
  if (recommendations.length === 0) {
    return (
      <EmptyState title="No recommendations yet." testId="recommendations-empty">
        Run the pipeline for this customer with the button above.
      </EmptyState>
    );
  }
  return (
    <ul className="space-y-3" data-testid="customer-recommendations">
      {recommendations.map((r) => (
        <Recommendation key={r.id} r={r} resourceNames={resourceNames} />
      ))}
    </ul>
  );
}
