"use client";

import { useEffect, useState } from "react";
import { previewRunAction } from "@/app/segments/actions";
import type { RunPreview } from "@/lib/pipeline/run-preview";
import type { RunScope } from "@/lib/pipeline/runs";
import { formatNumber, formatPercent, plural } from "../ui/format";

/** Waits this long after the last change of scope before asking, so typing a limit asks once. */
const DEBOUNCE_MS = 300;

/** How many customers the chosen scope covers and what a run would likely take per resource. */
export function RunScopePreview({ scope }: { scope: RunScope }) {
  const key = JSON.stringify(scope);
  const [state, setState] = useState<{ key: string; preview?: RunPreview; error?: string } | null>(null);

  useEffect(() => {
    let isCurrent = true;
    const timer = setTimeout(async () => {
      const answer = await previewRunAction({ scope: JSON.parse(key) }).catch(() => null);
      if (!isCurrent) return;
      if (!answer) setState({ key, error: "The preview could not be reached." });
      else if (!answer.ok) setState({ key, error: answer.message });
      else setState({ key, preview: answer.data });
    }, DEBOUNCE_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [key]);

  const isStale = state?.key !== key;
  return (
    <div className={`mt-4 rounded-md border border-zinc-200 bg-zinc-50 p-3 text-sm ${isStale ? "opacity-60" : ""}`} aria-live="polite" aria-busy={isStale} data-testid="run-preview">
      {!state ? (
        <p className="text-zinc-500">Working out what this run would cover…</p>
      ) : state.error ? (
        <p className="text-red-700">{state.error}</p>
      ) : state.preview ? (
        <PreviewBody preview={state.preview} />
      ) : null}
    </div>
  );
}

function PreviewBody({ preview }: { preview: RunPreview }) {
  if (preview.total === 0) return <p data-testid="run-preview-total">No customer matches this selection.</p>;
  const used = preview.resources.filter((r) => r.units > 0);
  return (
    <>
      <p className="font-medium text-zinc-900" data-testid="run-preview-total">
        Covers {plural(preview.total, "customer")}.
      </p>
      <p className="text-zinc-700">
        {/* Resource names are budgets ("Loyalty points budget"), so the count follows the name rather than leading it. */}
        Likely to take{used.length === 0 ? " no limited resource" : ": "}
        {used.map((r, i) => (
          <span key={r.key} data-testid="run-preview-resource">
            {i > 0 ? "; " : ""}
            {r.name} about {formatNumber(r.units)}
            {r.remaining !== null ? ` (${formatNumber(r.remaining)} left${r.units > r.remaining ? ", not enough for all" : ""})` : ""}
          </span>
        ))}
        ; {formatPercent(preview.noActionShare)} left alone.
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        Estimated from the deterministic policy&apos;s decisions for {plural(preview.sampled, "customer")} of the scope, before capacity and review; nothing was written.
      </p>
    </>
  );
}
