"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useMemo, useState, useTransition } from "react";
import { applyScenarioLimitsAction, planScenarioAction, saveScenarioAction } from "@/app/scenarios/actions";
import type { ScenarioChanges } from "@/lib/agents/scenario/scenario";
import type { ScenarioResult } from "@/lib/pipeline/scenario";
import type { SavedScenarioRow, ScenarioResourceRow, ScenarioTreatmentRow } from "@/lib/queries/scenarios";
import { formatDateTime, formatMoney, formatNumber, humanize } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { ScenarioResults } from "./scenario-results";

type ScopeKind = "all" | "segment" | "tier";
const TIERS = ["premium", "high", "medium", "low"] as const;

type ScenarioPlannerProps = {
  resources: ScenarioResourceRow[];
  treatments: ScenarioTreatmentRow[];
  segments: string[];
  saved: SavedScenarioRow[];
  /** Customers in the database: above the planner's cap the answer is an estimate from a sample. */
  customerCount: number;
  maxCustomers: number;
  canPlan: boolean;
  canManage: boolean;
};

type Draft = { limits: Record<string, { limit: string; reserve: string }>; treatments: Record<string, { cost: string; isActive: boolean }> };

function draftOf(resources: ScenarioResourceRow[], treatments: ScenarioTreatmentRow[], changes?: ScenarioChanges): Draft {
  const r = new Map(changes?.resources.map((c) => [c.key, c]));
  const t = new Map(changes?.treatments.map((c) => [c.key, c]));
  return {
    limits: Object.fromEntries(resources.map((x) => [x.key, { limit: String(r.get(x.key)?.limit ?? x.limit), reserve: String(r.get(x.key)?.reservedHighValue ?? x.reservedHighValue) }])),
    treatments: Object.fromEntries(treatments.map((x) => [x.key, { cost: String(t.get(x.key)?.costPerContact ?? x.costPerContact), isActive: t.get(x.key)?.isActive ?? x.isActive }])),
  };
}

/** Only what differs from today: a scenario names its changes, nothing else. Text that is not a number is sent as is, for the server to refuse by name. */
function changesOf(draft: Draft, resources: ScenarioResourceRow[], treatments: ScenarioTreatmentRow[]) {
  const num = (s: string) => (s.trim() === "" || Number.isNaN(Number(s)) ? s : Number(s));
  return {
    resources: resources.flatMap((r) => {
      const d = draft.limits[r.key]!;
      const limit = num(d.limit);
      const reserve = num(d.reserve);
      if (limit === r.limit && reserve === r.reservedHighValue) return [];
      return [{ key: r.key, ...(limit !== r.limit ? { limit } : {}), ...(reserve !== r.reservedHighValue ? { reservedHighValue: reserve } : {}) }];
    }),
    treatments: treatments.flatMap((t) => {
      const d = draft.treatments[t.key]!;
      const cost = num(d.cost);
      if (cost === t.costPerContact && d.isActive === t.isActive) return [];
      return [{ key: t.key, ...(cost !== t.costPerContact ? { costPerContact: cost } : {}), ...(d.isActive !== t.isActive ? { isActive: d.isActive } : {}) }];
    }),
  };
}

function describeChanges(changes: unknown, resources: ScenarioResourceRow[], treatments: ScenarioTreatmentRow[]): string {
  const c = changes as Partial<ScenarioChanges>;
  const rName = new Map(resources.map((r) => [r.key, r.name]));
  const tName = new Map(treatments.map((t) => [t.key, t.name]));
  const parts = [
    ...(c.resources ?? []).map((r) => [r.limit !== undefined ? `${rName.get(r.key) ?? r.key} limit ${formatNumber(r.limit)}` : null, r.reservedHighValue !== undefined ? `${rName.get(r.key) ?? r.key} reserve ${formatNumber(r.reservedHighValue)}` : null].filter(Boolean).join(", ")),
    ...(c.treatments ?? []).map((t) => [t.costPerContact !== undefined ? `${tName.get(t.key) ?? t.key} at ${formatMoney(t.costPerContact)}` : null, t.isActive !== undefined ? `${tName.get(t.key) ?? t.key} ${t.isActive ? "on" : "off"}` : null].filter(Boolean).join(", ")),
  ];
  return parts.length > 0 ? parts.join("; ") : "No changes";
}

/** Seconds since `isRunning` turned on, so a long dry decide shows it is still working. */
function useElapsed(isRunning: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!isRunning) return;
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => {
      clearInterval(timer);
      setSeconds(0);
    };
  }, [isRunning]);
  return seconds;
}

export function ScenarioPlanner({ resources, treatments, segments, saved, customerCount, maxCustomers, canPlan, canManage }: ScenarioPlannerProps) {
  const id = useId();
  const router = useRouter();
  const [draft, setDraft] = useState(() => draftOf(resources, treatments));
  const [scopeKind, setScopeKind] = useState<ScopeKind>("all");
  const [segment, setSegment] = useState(segments[0] ?? "");
  const [tier, setTier] = useState<(typeof TIERS)[number]>("premium");
  const [name, setName] = useState("");
  const [compare, setCompare] = useState<string[]>([]);
  const [result, setResult] = useState<ScenarioResult | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [isPlanning, startPlanning] = useTransition();
  const [isSaving, startSaving] = useTransition();
  const elapsed = useElapsed(isPlanning);
  const changes = useMemo(() => changesOf(draft, resources, treatments), [draft, resources, treatments]);
  const changeCount = changes.resources.length + changes.treatments.length;
  const scope = scopeKind === "segment" ? { segment } : scopeKind === "tier" ? { valueTier: tier } : {};
  const planned = Math.min(customerCount, maxCustomers);

  function plan(input: { changes?: unknown; savedIds?: string[] }) {
    setMessage(null);
    startPlanning(async () => {
      const answer = await planScenarioAction({ scope, ...input }).catch(() => null);
      if (!answer) return setMessage({ tone: "error", text: "The server could not be reached. Try again." });
      if (!answer.ok) return setMessage({ tone: "error", text: answer.message });
      setResult(answer.data);
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isPlanning) plan({ changes });
  }

  function save() {
    startSaving(async () => {
      const answer = await saveScenarioAction({ name, changes, scope }).catch(() => null);
      if (!answer) return setMessage({ tone: "error", text: "The server could not be reached; nothing was saved." });
      setMessage(answer.ok ? { tone: "ok", text: answer.data.message } : { tone: "error", text: answer.message });
      if (answer.ok) router.refresh();
    });
  }

  function apply(scenario: SavedScenarioRow) {
    if (!window.confirm(`Set the limits of “${scenario.name}” now? ${describeChanges(scenario.changes, resources, treatments)}.`)) return;
    startSaving(async () => {
      const answer = await applyScenarioLimitsAction({ scenarioId: scenario.id }).catch(() => null);
      if (!answer) return setMessage({ tone: "error", text: "The server could not be reached; nothing was changed." });
      setMessage(answer.ok ? { tone: "ok", text: answer.data.message } : { tone: "error", text: answer.message });
      if (answer.ok) router.refresh();
    });
  }

  const setLimit = (key: string, field: "limit" | "reserve", value: string) => setDraft((d) => ({ ...d, limits: { ...d.limits, [key]: { ...d.limits[key]!, [field]: value } } }));
  const setTreatment = (key: string, patch: Partial<{ cost: string; isActive: boolean }>) =>
    setDraft((d) => ({ ...d, treatments: { ...d.treatments, [key]: { ...d.treatments[key]!, ...patch } } }));
  const cell = "px-3 py-1.5";

  return (
    <div className="space-y-6">
      <form onSubmit={submit} className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="scenario-form" noValidate>
        <div className="grid gap-4 lg:grid-cols-2">
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-zinc-800">Limits and high-value reserves</legend>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-xs text-zinc-500">
                  <th className={cell}>Resource</th>
                  <th className={cell}>Limit</th>
                  <th className={cell}>Reserve</th>
                </tr>
              </thead>
              <tbody>
                {resources.map((r) => (
                  <tr key={r.key} data-testid={`scenario-resource-${r.key}`}>
                    <td className={cell}>
                      {r.name}
                      <span className="block text-xs text-zinc-500">
                        now {formatNumber(r.limit)} per {r.period}, {formatNumber(r.used)} committed
                      </span>
                    </td>
                    <td className={cell}>
                      <input aria-label={`${r.name} limit`} type="number" min={0} step={1} value={draft.limits[r.key]!.limit} onChange={(e) => setLimit(r.key, "limit", e.target.value)} className={`${inputClass} tabular-nums`} data-testid={`scenario-limit-${r.key}`} />
                    </td>
                    <td className={cell}>
                      <input aria-label={`${r.name} high-value reserve`} type="number" min={0} step={1} value={draft.limits[r.key]!.reserve} onChange={(e) => setLimit(r.key, "reserve", e.target.value)} className={`${inputClass} tabular-nums`} data-testid={`scenario-reserve-${r.key}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-zinc-800">Treatment costs and activation</legend>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-xs text-zinc-500">
                  <th className={cell}>Treatment</th>
                  <th className={cell}>Cost (£ per contact)</th>
                  <th className={cell}>Active</th>
                </tr>
              </thead>
              <tbody>
                {treatments.map((t) => (
                  <tr key={t.key} data-testid={`scenario-treatment-${t.key}`}>
                    <td className={cell}>{t.name}</td>
                    <td className={cell}>
                      <input aria-label={`${t.name} cost`} type="number" min={0} step={0.01} value={draft.treatments[t.key]!.cost} onChange={(e) => setTreatment(t.key, { cost: e.target.value })} className={`${inputClass} tabular-nums`} />
                    </td>
                    <td className={cell}>
                      <input aria-label={`${t.name} active`} type="checkbox" checked={draft.treatments[t.key]!.isActive} onChange={(e) => setTreatment(t.key, { isActive: e.target.checked })} className="h-4 w-4" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-44">
            <label htmlFor={`${id}-scope`} className={labelClass}>
              Customers
            </label>
            <select id={`${id}-scope`} value={scopeKind} onChange={(e) => setScopeKind(e.target.value as ScopeKind)} className={inputClass} data-testid="scenario-scope-kind">
              <option value="all">Everyone</option>
              <option value="segment">A segment</option>
              <option value="tier">A value tier</option>
            </select>
          </div>
          {scopeKind === "segment" ? (
            <div className="w-44">
              <label htmlFor={`${id}-segment`} className={labelClass}>
                Segment
              </label>
              <select id={`${id}-segment`} value={segment} onChange={(e) => setSegment(e.target.value)} className={inputClass}>
                {segments.map((s) => (
                  <option key={s} value={s}>
                    {humanize(s)}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          {scopeKind === "tier" ? (
            <div className="w-44">
              <label htmlFor={`${id}-tier`} className={labelClass}>
                Value tier
              </label>
              <select id={`${id}-tier`} value={tier} onChange={(e) => setTier(e.target.value as (typeof TIERS)[number])} className={inputClass}>
                {TIERS.map((t) => (
                  <option key={t} value={t}>
                    {humanize(t)}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="submit" className={`${primaryButtonClass} disabled:opacity-60`} disabled={!canPlan || isPlanning} data-testid="plan-scenario">
            {isPlanning ? "Planning…" : changeCount > 0 ? `Plan ${changeCount === 1 ? "this change" : `these ${changeCount} changes`}` : "Plan as things stand"}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => setDraft(draftOf(resources, treatments))} disabled={isPlanning}>
            Reset
          </button>
          {canManage ? (
            <div className="flex items-end gap-2">
              <div className="w-48">
                <label htmlFor={`${id}-name`} className={labelClass}>
                  Save as
                </label>
                <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="Scenario name" className={inputClass} data-testid="scenario-name" />
              </div>
              <button type="button" className={`${secondaryButtonClass} disabled:opacity-60`} onClick={save} disabled={isSaving || name.trim() === ""} data-testid="save-scenario">
                {isSaving ? "Saving…" : "Save scenario"}
              </button>
            </div>
          ) : null}
        </div>
        {!canPlan ? <p className="text-sm text-zinc-600">Planning needs the marketer, manager or administrator role.</p> : null}
        {!canManage && canPlan ? <p className="text-sm text-zinc-600" data-testid="scenario-read-only">You can try changes here; saving scenarios and applying their limits needs the manager or administrator role.</p> : null}
      </form>

      {message ? (
        <p role={message.tone === "error" ? "alert" : "status"} className={`rounded-md px-3 py-2 text-sm ${message.tone === "error" ? "bg-red-50 text-red-800" : "bg-emerald-50 text-emerald-800"}`} data-testid="scenario-message">
          {message.text}
        </p>
      ) : null}

      {isPlanning ? (
        <div role="status" aria-live="polite" className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="scenario-progress">
          <p className="text-sm text-zinc-700">
            Deciding up to {formatNumber(planned)} customers with the rules and planning each allocation… {elapsed} s
          </p>
          <div className="mt-2 h-1.5 overflow-hidden rounded bg-zinc-100">
            <div className="h-full w-1/3 animate-pulse rounded bg-indigo-500" />
          </div>
          {customerCount > maxCustomers ? <p className="mt-2 text-xs text-zinc-500">More than {formatNumber(maxCustomers)} customers: the answer is estimated from an even sample.</p> : null}
        </div>
      ) : null}

      {result && !isPlanning ? <ScenarioResults result={result} /> : null}

      <section data-testid="saved-scenarios">
        <h2 className="mb-2 text-base font-semibold text-zinc-900">Saved scenarios</h2>
        {saved.length === 0 ? (
          <p className="text-sm text-zinc-600">No scenario has been saved yet.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
            <table className="min-w-full divide-y divide-zinc-200 text-sm">
              <thead className="bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
                <tr>
                  <th className={cell}>Compare</th>
                  <th className={cell}>Name</th>
                  <th className={cell}>Changes</th>
                  <th className={cell}>Saved</th>
                  <th className={cell} />
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {saved.map((s) => (
                  <tr key={s.id} data-testid="saved-scenario-row">
                    <td className={cell}>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${s.name}`}
                        checked={compare.includes(s.id)}
                        disabled={!compare.includes(s.id) && compare.length >= 2}
                        onChange={(e) => setCompare((c) => (e.target.checked ? [...c, s.id] : c.filter((x) => x !== s.id)))}
                        className="h-4 w-4"
                      />
                    </td>
                    <td className={`${cell} font-medium text-zinc-900`}>{s.name}</td>
                    <td className={`${cell} text-zinc-700`}>{describeChanges(s.changes, resources, treatments)}</td>
                    <td className={`${cell} whitespace-nowrap text-zinc-600`}>
                      {formatDateTime(new Date(s.updatedAt))}
                      {s.savedBy ? ` by ${s.savedBy}` : ""}
                    </td>
                    <td className={`${cell} whitespace-nowrap text-right`}>
                      <button type="button" className={secondaryButtonClass} onClick={() => setDraft(draftOf(resources, treatments, s.changes as ScenarioChanges))}>
                        Edit
                      </button>{" "}
                      {canManage ? (
                        <button type="button" className={`${secondaryButtonClass} disabled:opacity-60`} onClick={() => apply(s)} disabled={isSaving} data-testid="apply-scenario">
                          Apply limits
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="mt-2">
          <button
            type="button"
            className={`${secondaryButtonClass} disabled:opacity-60`}
            disabled={!canPlan || isPlanning || compare.length !== 2}
            onClick={() => plan({ savedIds: compare })}
            data-testid="compare-scenarios"
          >
            Compare the two chosen
          </button>
        </div>
      </section>
    </div>
  );
}
