"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState, useTransition } from "react";
import { startRunAction } from "@/app/runs/actions";
import { listSegmentChoicesAction } from "@/app/segments/actions";
import { RunScopePreview } from "../segments/run-scope-preview";
import { ValueTier } from "@/lib/generated/prisma/enums";
import { formatNumber, humanize, plural } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass } from "../ui/form-controls";
import { RUNS_QUERY_KEY } from "./live-runs";

type ScopeKind = "all" | "segment" | "tier" | "saved";
type PolicyChoice = "auto" | "rules" | "llm";

type StartRunFormProps = {
  segments: string[];
  /** True when OPENAI_API_KEY is set on the server. */
  hasModel: boolean;
  customerCount: number;
};

const newRequestKey = () => crypto.randomUUID();

/** Starts a run over everyone, a segment or a value tier; the run goes on in the server if this tab closes. */
export function StartRunForm({ segments, hasModel, customerCount }: StartRunFormProps) {
  const queryClient = useQueryClient();
  const [isPending, startTransition] = useTransition();
  const [scopeKind, setScopeKind] = useState<ScopeKind>("all");
  const [segment, setSegment] = useState(segments[0] ?? "");
  const [tier, setTier] = useState<ValueTier>("premium");
  const [savedSegmentId, setSavedSegmentId] = useState("");
  const savedSegments = useQuery({
    queryKey: ["segment-choices"],
    queryFn: async () => {
      const answer = await listSegmentChoicesAction();
      return answer.ok ? answer.data : [];
    },
  }).data ?? [];
  const chosenSavedId = savedSegmentId || savedSegments[0]?.id || "";
  const [policy, setPolicy] = useState<PolicyChoice>("auto");
  const [limit, setLimit] = useState("");
  const [requestKey, setRequestKey] = useState(newRequestKey);
  const [result, setResult] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  const trimmed = limit.trim();
  const isLimitValid = trimmed === "" || /^[1-9]\d*$/.test(trimmed);
  const chosen = {
    ...(scopeKind === "segment" ? { segment } : {}),
    ...(scopeKind === "tier" ? { valueTier: tier } : {}),
    ...(scopeKind === "saved" && chosenSavedId ? { segmentId: chosenSavedId } : {}),
  };
  // The preview leaves out a limit still being typed; starting sends it as typed, for the server to judge.
  const previewScope = { ...chosen, ...(trimmed && isLimitValid ? { limit: Number(trimmed) } : {}) };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isPending) return;
    const scope = { ...chosen, ...(trimmed ? { limit: Number(trimmed) } : {}) };
    startTransition(async () => {
      const answer = await startRunAction({ scope, policy, requestKey }).catch(() => null);
      if (!answer) {
        setResult({ tone: "error", text: "The server could not be reached; nothing was started. Try again." });
        return;
      }
      if (answer.ok) {
        setResult({
          tone: "ok",
          text: `Run started over ${plural(answer.data.total, "customer")} with the ${answer.data.policy === "llm" ? "language model" : "deterministic policy"}. It continues on the server if you leave this page.`,
        });
        setRequestKey(newRequestKey());
        await queryClient.invalidateQueries({ queryKey: [RUNS_QUERY_KEY] });
      } else {
        setResult({ tone: "error", text: answer.message });
      }
    });
  }

  return (
    <form
      onSubmit={submit}
      className="mb-6 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm"
      aria-labelledby="start-run-title"
      data-testid="start-run-form"
    >
      <h2 id="start-run-title" className="mb-3 text-base font-semibold text-zinc-900">
        Start a run
      </h2>
      <div className="grid gap-4 md:grid-cols-[1.4fr_1fr_0.6fr]">
        <fieldset>
          <legend className={labelClass}>Customers</legend>
          <div className="space-y-2 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="scope" value="all" checked={scopeKind === "all"} onChange={() => setScopeKind("all")} />
              All customers ({formatNumber(customerCount)})
            </label>
            <div className="flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" value="segment" checked={scopeKind === "segment"} onChange={() => setScopeKind("segment")} disabled={segments.length === 0} />
                A segment
              </label>
              <select
                aria-label="Segment"
                className={`${inputClass} w-auto min-w-40`}
                value={segment}
                onChange={(e) => {
                  setSegment(e.target.value);
                  setScopeKind("segment");
                }}
                disabled={segments.length === 0}
                data-testid="run-segment"
              >
                {segments.map((s) => (
                  <option key={s} value={s}>
                    {humanize(s)}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" value="tier" checked={scopeKind === "tier"} onChange={() => setScopeKind("tier")} />
                A value tier
              </label>
              <select
                aria-label="Value tier"
                className={`${inputClass} w-auto min-w-32`}
                value={tier}
                onChange={(e) => {
                  setTier(e.target.value as ValueTier);
                  setScopeKind("tier");
                }}
                data-testid="run-tier"
              >
                {Object.values(ValueTier).map((t) => (
                  <option key={t} value={t}>
                    {humanize(t)}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" value="saved" checked={scopeKind === "saved"} onChange={() => setScopeKind("saved")} disabled={savedSegments.length === 0} />
                A saved segment
              </label>
              <select
                aria-label="Saved segment"
                className={`${inputClass} w-auto min-w-40`}
                value={chosenSavedId}
                onChange={(e) => {
                  setSavedSegmentId(e.target.value);
                  setScopeKind("saved");
                }}
                disabled={savedSegments.length === 0}
                data-testid="run-saved-segment"
              >
                {savedSegments.length === 0 ? <option value="">None saved yet</option> : null}
                {savedSegments.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                    {s.size !== null ? ` (${formatNumber(s.size)})` : ""}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend className={labelClass}>Policy</legend>
          <div className="space-y-2 text-sm">
            <label className="flex items-start gap-2">
              <input type="radio" name="policy" value="auto" checked={policy === "auto"} onChange={() => setPolicy("auto")} className="mt-1" />
              <span>
                Automatic
                <span className="block text-xs text-zinc-500">{hasModel ? "The language model, with the rules as fallback." : "The deterministic policy (no model is configured)."}</span>
              </span>
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="policy" value="rules" checked={policy === "rules"} onChange={() => setPolicy("rules")} />
              Deterministic policy
            </label>
            <label className={`flex items-start gap-2 ${hasModel ? "" : "text-zinc-400"}`}>
              <input
                type="radio"
                name="policy"
                value="llm"
                checked={policy === "llm"}
                onChange={() => setPolicy("llm")}
                disabled={!hasModel}
                aria-describedby={hasModel ? undefined : "llm-unavailable"}
                className="mt-1"
              />
              <span>
                Language model
                {hasModel ? null : (
                  <span id="llm-unavailable" className="block text-xs text-zinc-500">
                    Unavailable: set OPENAI_API_KEY on the server to enable it.
                  </span>
                )}
              </span>
            </label>
          </div>
        </fieldset>

        <div>
          <label htmlFor="run-limit" className={labelClass}>
            At most (customers)
          </label>
          <input
            id="run-limit"
            name="limit"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            placeholder="No limit"
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            className={inputClass}
            data-testid="run-limit"
          />
          <p className="mt-1 text-xs text-zinc-500">The first customers by id; the most valuable are served first.</p>
        </div>
      </div>

      <RunScopePreview scope={previewScope} />

      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button type="submit" className={`${primaryButtonClass} disabled:opacity-60`} disabled={isPending} data-testid="run-start">
          {isPending ? "Starting…" : "Start run"}
        </button>
        <p
          role={result?.tone === "error" ? "alert" : "status"}
          className={`min-h-5 text-sm ${result?.tone === "error" ? "text-red-700" : "text-emerald-700"}`}
          data-testid="run-start-result"
        >
          {result?.text}
        </p>
      </div>
    </form>
  );
}
