"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { createRuleSegmentAction, updateSegmentAction } from "@/app/segments/actions";
import { type PatternKey, patternKeys, valueTiers } from "@/lib/agents/domain";
import { patternLabels } from "@/lib/agents/journey/analyze";
import { type SegmentMetric, segmentMetrics } from "@/lib/pipeline/segment-metrics";
import type { SegmentRule } from "@/lib/pipeline/segments";
import { humanize } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass } from "../ui/form-controls";

const numberOrUndefined = (text: string, scale = 1) => (text.trim() === "" ? undefined : Number(text) / scale);
/** A risk in [0, 1] as the whole-ish percent the form shows (0.37 → 37, not 37.00000000000001). */
const percentText = (risk: number | undefined) => (risk === undefined ? "" : String(Math.round(risk * 10_000) / 100));

export type EditedRuleSegment = { id: string; name: string; rule: SegmentRule };

/**
 * A manager names a rule over the stored insights, or changes a saved one (`editing`: the form
 * starts from its name and rule); the server checks it and answers with its size.
 */
export function RuleSegmentForm({ editing }: { editing?: EditedRuleSegment } = {}) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const rule = editing?.rule;
  const firstMetric = rule?.metrics?.[0];
  // The form edits one metric bound; a rule saved with more keeps the others as they are.
  const otherMetrics = rule?.metrics?.slice(1) ?? [];
  const [patterns, setPatterns] = useState<PatternKey[]>(rule?.patterns ?? []);
  const [tiers, setTiers] = useState<string[]>(rule?.valueTiers ?? []);
  const [metric, setMetric] = useState<SegmentMetric | "">(firstMetric?.metric ?? "");
  const [result, setResult] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? "");
    const regions = text("regions").split(",").map((r) => r.trim()).filter(Boolean);
    const metricValue = numberOrUndefined(text("metricValue"));
    const rule = {
      ...(patterns.length ? { patterns } : {}),
      ...(numberOrUndefined(text("minRisk"), 100) !== undefined ? { minRisk: numberOrUndefined(text("minRisk"), 100) } : {}),
      ...(numberOrUndefined(text("maxRisk"), 100) !== undefined ? { maxRisk: numberOrUndefined(text("maxRisk"), 100) } : {}),
      ...(tiers.length ? { valueTiers: tiers } : {}),
      ...(numberOrUndefined(text("minTenure")) !== undefined ? { minTenureMonths: numberOrUndefined(text("minTenure")) } : {}),
      ...(numberOrUndefined(text("maxTenure")) !== undefined ? { maxTenureMonths: numberOrUndefined(text("maxTenure")) } : {}),
      ...(regions.length ? { regions } : {}),
      ...(metric && metricValue !== undefined ? { metrics: [{ metric, op: text("metricOp"), value: metricValue }, ...otherMetrics] } : otherMetrics.length ? { metrics: otherMetrics } : {}),
    };
    const formElement = event.currentTarget;
    startTransition(async () => {
      const answer = await (editing ? updateSegmentAction({ id: editing.id, name: text("name"), rule }) : createRuleSegmentAction({ name: text("name"), rule })).catch(() => null);
      if (!answer) return setResult({ tone: "error", text: "The server could not be reached; nothing was saved." });
      if (!answer.ok) return setResult({ tone: "error", text: answer.message });
      setResult({ tone: "ok", text: `Saved. ${answer.data.description}` });
      if (editing) return router.push("/segments");
      formElement.reset();
      setPatterns([]);
      setTiers([]);
      setMetric("");
      router.refresh();
    });
  }

  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  return (
    <form onSubmit={submit} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="rule-segment-form" aria-label={editing ? `Edit rule segment ${editing.name}` : "New rule segment"}>
      <div className="grid gap-4 md:grid-cols-3">
        <div>
          <label htmlFor="segment-name" className={labelClass}>
            Name
          </label>
          <input id="segment-name" name="name" required maxLength={80} defaultValue={editing?.name} className={inputClass} placeholder="e.g. Price-minded, usage falling" />
        </div>
        <div className="flex gap-2">
          <div className="flex-1">
            <label htmlFor="segment-min-risk" className={labelClass}>
              Churn risk from (%)
            </label>
            <input id="segment-min-risk" name="minRisk" type="number" step="any" min={0} max={100} defaultValue={percentText(rule?.minRisk)} className={inputClass} />
          </div>
          <div className="flex-1">
            <label htmlFor="segment-max-risk" className={labelClass}>
              to (%)
            </label>
            <input id="segment-max-risk" name="maxRisk" type="number" step="any" min={0} max={100} defaultValue={percentText(rule?.maxRisk)} className={inputClass} />
          </div>
        </div>
        <div className="flex gap-2">
          <div className="flex-1">
            <label htmlFor="segment-min-tenure" className={labelClass}>
              Tenure from (months)
            </label>
            <input id="segment-min-tenure" name="minTenure" type="number" min={0} defaultValue={rule?.minTenureMonths ?? ""} className={inputClass} />
          </div>
          <div className="flex-1">
            <label htmlFor="segment-max-tenure" className={labelClass}>
              to
            </label>
            <input id="segment-max-tenure" name="maxTenure" type="number" min={0} defaultValue={rule?.maxTenureMonths ?? ""} className={inputClass} />
          </div>
        </div>
        <fieldset className="md:col-span-2">
          <legend className={labelClass}>Shows every one of these patterns</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {patternKeys.map((k) => (
              <label key={k} className="flex items-center gap-1.5">
                <input type="checkbox" checked={patterns.includes(k)} onChange={() => setPatterns(toggle(patterns, k))} data-testid={`rule-pattern-${k}`} />
                {patternLabels[k]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend className={labelClass}>Value tier</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {valueTiers.map((t) => (
              <label key={t} className="flex items-center gap-1.5">
                <input type="checkbox" checked={tiers.includes(t)} onChange={() => setTiers(toggle(tiers, t))} />
                {humanize(t)}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="segment-regions" className={labelClass}>
            Regions (comma separated)
          </label>
          <input id="segment-regions" name="regions" defaultValue={rule?.regions?.join(", ")} className={inputClass} placeholder="e.g. London, Wales" />
        </div>
        <div className="md:col-span-2">
          <span className={labelClass}>Any other stored metric</span>
          <div className="flex gap-2">
            <select aria-label="Metric" value={metric} onChange={(e) => setMetric(e.target.value as SegmentMetric | "")} className={inputClass}>
              <option value="">No metric</option>
              {(Object.keys(segmentMetrics) as SegmentMetric[]).map((m) => (
                <option key={m} value={m}>
                  {segmentMetrics[m].label}
                </option>
              ))}
            </select>
            <select aria-label="Comparison" name="metricOp" defaultValue={firstMetric?.op ?? "gte"} className={`${inputClass} w-28`} disabled={!metric}>
              <option value="gte">at least</option>
              <option value="lte">at most</option>
            </select>
            <input aria-label="Value" name="metricValue" type="number" step="any" defaultValue={firstMetric?.value ?? ""} className={`${inputClass} w-32`} disabled={!metric} />
          </div>
        </div>
      </div>
      <div className="mt-4 flex items-center gap-3">
        <button type="submit" className={primaryButtonClass} disabled={isPending} data-testid="rule-segment-save">
          {isPending ? "Saving…" : editing ? "Save changes" : "Save segment"}
        </button>
        {editing ? (
          <Link href="/segments" className="text-sm text-zinc-700 hover:underline">
            Cancel
          </Link>
        ) : null}
        {result ? (
          <p role={result.tone === "error" ? "alert" : "status"} className={`text-sm ${result.tone === "error" ? "text-red-700" : "text-emerald-700"}`} data-testid="rule-segment-result">
            {result.text}
          </p>
        ) : null}
      </div>
    </form>
  );
}
