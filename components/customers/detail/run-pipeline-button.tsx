"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { runCustomerPipelineAction } from "@/app/customers/[id]/actions";
import type { PolicyKind, RecommendationStatus } from "@/lib/generated/prisma/enums";
import type { CustomerRunResult } from "@/lib/pipeline/launch";
import { PolicyBadge } from "../../recommendations/policy-badge";
import { RecommendationStatusBadge } from "../../recommendations/recommendation-status-badge";
import { formatMoney, formatPercent } from "../../ui/format";
import { primaryButtonClass } from "../../ui/form-controls";

type Outcome = { ok: true; data: CustomerRunResult } | { ok: false; message: string };

/** Runs the pipeline for one customer and shows what it decided, then refreshes the page's lists. */
export function RunPipelineButton({ customerId, treatmentNames }: { customerId: string; treatmentNames: Record<string, string> }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [isPending, startTransition] = useTransition();

  function run() {
    startTransition(async () => {
      const result = await runCustomerPipelineAction({ customerId });
      setOutcome(result.ok ? { ok: true, data: result.data } : { ok: false, message: result.message });
      if (result.ok) router.refresh();
    });
  }

  const rec = outcome?.ok ? outcome.data.recommendation : null;
  return (
    <div className="space-y-2" data-testid="run-pipeline">
      <button type="button" onClick={run} disabled={isPending} className={`${primaryButtonClass} disabled:opacity-60`} data-testid="run-pipeline-button">
        {isPending ? "Running the pipeline…" : "Run pipeline for this customer"}
      </button>
      <div aria-live="polite" role="status" data-testid="run-pipeline-result">
        {outcome && !outcome.ok ? <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{outcome.message}</p> : null}
        {outcome?.ok && !rec ? <p className="text-sm text-zinc-600">The run finished without a recommendation for this customer.</p> : null}
        {rec ? (
          <div className="rounded-md border border-indigo-200 bg-indigo-50/60 px-3 py-2 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-zinc-900" data-testid="run-result-treatment">
                {rec.status === "no_action" ? "No action" : rec.treatmentKey ? (treatmentNames[rec.treatmentKey] ?? rec.treatmentKey) : "No recommendation"}
              </span>
              <RecommendationStatusBadge status={rec.status as RecommendationStatus} />
              <PolicyBadge policy={rec.policy as PolicyKind} />
              <span className="text-xs text-zinc-600">
                {formatPercent(rec.confidence)} confidence · {formatMoney(rec.expectedValue)} expected value
              </span>
            </div>
            <p className="mt-1 text-zinc-800" data-testid="run-result-rationale">
              {rec.rationale}
            </p>
            {rec.failureReason ? <p className="mt-1 text-red-700">Failed: {rec.failureReason}</p> : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}
