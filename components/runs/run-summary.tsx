import Link from "next/link";
import type { RunDecisionCounts, RunSummaryView } from "@/lib/queries/runs";
import { formatMoney, formatNumber } from "../ui/format";
import { RECOMMENDATION_STATUS_LOOKS, RECOMMENDATION_STATUS_ORDER } from "../ui/states";

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-sm font-semibold tabular-nums text-zinc-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function DecisionsNow({ counts }: { counts: RunDecisionCounts }) {
  const present = RECOMMENDATION_STATUS_ORDER.filter((status) => counts[status] > 0);
  if (present.length === 0) return <p className="text-sm text-zinc-600">No decisions are recorded for this run.</p>;
  return (
    <ul className="flex flex-wrap gap-x-5 gap-y-1 text-sm" data-testid="summary-now">
      {present.map((status) => {
        const look = RECOMMENDATION_STATUS_LOOKS[status];
        return (
          <li key={status} className="flex items-center gap-1.5">
            <span aria-hidden className="h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: look.colour }} />
            <span className="text-zinc-700">{look.label}</span>
            <span className="font-semibold tabular-nums text-zinc-900" data-testid={`now-${status}`}>
              {formatNumber(counts[status])}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

type RunSummaryProps = { summary: RunSummaryView; decisionsNow: RunDecisionCounts; isModelRun: boolean };

/**
 * What a finished run decided (outcomes, treatments, fallbacks, failures, model use and value) as it
 * was written when the run ended, and beside it what has become of those decisions since.
 */
export function RunSummary({ summary, decisionsNow, isModelRun }: RunSummaryProps) {
  const s = summary;
  return (
    <div className="space-y-4" data-testid="run-summary">
      <div className="grid gap-4 lg:grid-cols-2">
        <div>
          <h3 className="mb-2 text-sm font-semibold text-zinc-900">What the run decided</h3>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4 lg:grid-cols-2">
            <Figure label="Sent for review" value={formatNumber(s.byStatus.pending_review)} testId="summary-pending_review" />
            <Figure label="No action" value={formatNumber(s.byStatus.no_action)} testId="summary-no_action" />
            <Figure label="Failed" value={formatNumber(s.byStatus.failed)} testId="summary-failed" />
            <Figure label="Expected value" value={formatMoney(s.expectedValue)} testId="summary-expected-value" />
          </dl>
        </div>
        <div>
          <h3 className="mb-2 text-sm font-semibold text-zinc-900">Where those decisions stand now</h3>
          <DecisionsNow counts={decisionsNow} />
        </div>
      </div>
      <div>
        <h3 className="mb-2 text-sm font-semibold text-zinc-900">How it ran</h3>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4">
          <Figure label="Capacity fallbacks" value={formatNumber(s.fallbacks)} testId="summary-fallbacks" />
          <Figure label="Model fallbacks to rules" value={isModelRun ? formatNumber(s.modelFallbacks) : "—"} testId="summary-model-fallbacks" />
          {isModelRun && s.modelPaused > 0 ? (
            <Figure label="Of those, model paused after repeated faults (no call made)" value={formatNumber(s.modelPaused)} testId="summary-model-paused" />
          ) : null}
          {isModelRun && s.modelBreaker && (s.modelBreaker.faults > 0 || s.modelBreaker.pauses > 0) ? (
            <Figure
              label="Model faults / pauses / calls not made"
              value={`${formatNumber(s.modelBreaker.faults)} / ${formatNumber(s.modelBreaker.pauses)} / ${formatNumber(s.modelBreaker.skippedCalls)}`}
              testId="summary-model-breaker"
            />
          ) : null}
          {isModelRun ? (
            <Figure label="Decided without the model (only no action allowed)" value={formatNumber(s.decidedWithoutModel)} testId="summary-decided-without-model" />
          ) : null}
          <Figure label="Model calls" value={formatNumber(s.modelCalls)} testId="summary-model-calls" />
          <Figure
            label="Tokens (prompt / answer)"
            value={`${formatNumber(s.promptTokens)} / ${formatNumber(s.completionTokens)}`}
            testId="summary-tokens"
          />
          <Figure label="Duration" value={formatDuration(s.durationMs)} testId="summary-duration" />
          <Figure label="Earlier pending decisions replaced" value={formatNumber(s.supersededEarlier)} testId="summary-superseded" />
          {s.missingCustomers > 0 ? <Figure label="Customers no longer found" value={formatNumber(s.missingCustomers)} /> : null}
        </dl>
      </div>

      <div className="grid gap-4 md:grid-cols-2">
        <div>
          <h3 className="mb-2 text-sm font-semibold text-zinc-900">By treatment</h3>
          {s.byTreatment.length === 0 ? (
            <p className="text-sm text-zinc-600">No treatment was chosen.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="summary-by-treatment">
              {s.byTreatment.map((t) => (
                <li key={t.key} className="flex justify-between gap-4">
                  <span className="truncate" title={t.key}>{t.name}</span>
                  <span className="tabular-nums text-zinc-700">{formatNumber(t.count)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3 className="mb-2 text-sm font-semibold text-zinc-900">Failures</h3>
          {s.failureCount === 0 ? (
            <p className="text-sm text-zinc-600">None: every customer got a decision.</p>
          ) : (
            <>
              <ul className="space-y-1 text-sm" data-testid="summary-failures">
                {s.failures.map((f) => (
                  <li key={f.customerId}>
                    <Link href={`/customers/${encodeURIComponent(f.customerId)}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline">
                      {f.customerId}
                    </Link>
                    <span className="text-zinc-700">: {f.reason}</span>
                  </li>
                ))}
              </ul>
              {s.failureCount > s.failures.length ? (
                <p className="mt-1 text-xs text-zinc-500">and {formatNumber(s.failureCount - s.failures.length)} more.</p>
              ) : null}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
