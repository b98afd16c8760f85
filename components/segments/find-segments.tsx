"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { findSegmentsAction, saveFoundSegmentAction } from "@/app/segments/actions";
import type { FoundSegments } from "@/lib/pipeline/segments";
import { formatMoney, formatNumber, formatPercent } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

/** Asks the Segmentation agent for groups in the stored insights; a manager names one to keep it. */
export function FindSegments() {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [seed, setSeed] = useState("1");
  const [found, setFound] = useState<FoundSegments | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [names, setNames] = useState<Record<number, string>>({});

  function find() {
    startTransition(async () => {
      const answer = await findSegmentsAction({ seed: Number(seed) || 0 }).catch(() => null);
      if (!answer) return setMessage({ tone: "error", text: "The server could not be reached." });
      if (!answer.ok) return setMessage({ tone: "error", text: answer.message });
      if (!answer.data) return setMessage({ tone: "error", text: "Fewer than 20 customers have stored insights: run the pipeline or refresh insights first." });
      setMessage(null);
      setFound(answer.data);
      setNames(Object.fromEntries(answer.data.groups.map((g) => [g.index, g.name])));
    });
  }

  function save(index: number, description: string) {
    if (!found) return;
    startTransition(async () => {
      const answer = await saveFoundSegmentAction({ name: names[index] ?? "", model: found.model, modelIndex: index, description }).catch(() => null);
      if (!answer) return setMessage({ tone: "error", text: "The server could not be reached; nothing was saved." });
      if (!answer.ok) return setMessage({ tone: "error", text: answer.message });
      setMessage({ tone: "ok", text: `Saved. ${answer.data.description}` });
      router.refresh();
    });
  }

  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="find-segments">
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-28">
          <label htmlFor="find-seed" className={labelClass}>
            Seed
          </label>
          <input id="find-seed" type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} className={inputClass} />
        </div>
        <button type="button" onClick={find} disabled={isPending} className={primaryButtonClass} data-testid="find-segments-button">
          {isPending && !found ? "Finding…" : "Find segments"}
        </button>
        <p className="text-xs text-zinc-500">The same seed over the same insights finds the same groups.</p>
      </div>
      {message ? (
        <p role={message.tone === "error" ? "alert" : "status"} className={`mt-3 text-sm ${message.tone === "error" ? "text-red-700" : "text-emerald-700"}`} data-testid="find-segments-message">
          {message.text}
        </p>
      ) : null}
      {found ? (
        <div className="mt-4">
          <p className="mb-2 text-xs text-zinc-600" data-testid="found-criterion">
            {found.k} groups in {formatNumber(found.segmented)} of {formatNumber(found.analysed)} analysed customers
            {found.segmented < found.analysed ? " (a sample)" : ""}; k chosen by {found.criterion}.
          </p>
          <ul className="divide-y divide-zinc-100">
            {found.groups.map((g) => (
              <li key={g.index} className="flex flex-wrap items-center gap-3 py-2" data-testid="found-group">
                <div className="min-w-64 flex-1">
                  <div className="text-sm font-medium text-zinc-900">{g.description}</div>
                  <div className="text-xs text-zinc-600">
                    {formatPercent(g.share)} of customers · lifetime value {formatMoney(g.lifetimeValue)}
                  </div>
                </div>
                <div className="flex w-80 items-center gap-2">
                  <input aria-label={`Name for group ${g.index + 1}`} value={names[g.index] ?? ""} onChange={(e) => setNames({ ...names, [g.index]: e.target.value })} className={inputClass} maxLength={80} />
                  <button type="button" className={secondaryButtonClass} disabled={isPending} onClick={() => save(g.index, g.description)} data-testid="found-group-save">
                    Save
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
