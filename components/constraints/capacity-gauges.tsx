"use client";

import { useState } from "react";
import type { ConstraintsSnapshot, ResourceGauge } from "@/lib/queries/constraints";
import { EmptyState } from "../ui/empty-state";
import { formatDateTime, formatMoney, formatNumber } from "../ui/format";
import { meterColour } from "../ui/meter";
import { EditConstraintDialog, ResetPeriodDialog } from "./constraint-dialogs";
import { GaugeMeter } from "./gauge-meter";
import { useConstraintsQuery } from "./use-constraints-query";

const clock = new Intl.DateTimeFormat("en-GB", { timeStyle: "medium", timeZone: "Europe/London" });
const PERIOD_WORD: Record<ResourceGauge["period"], string> = { day: "per day", week: "per week", month: "per month" };

function Figure({ label, value, hint, testId, tone = "text-zinc-900" }: { label: string; value: number; hint?: string; testId: string; tone?: string }) {
  return (
    <div className="min-w-0">
      <dt className="truncate text-xs font-medium text-zinc-500">{label}</dt>
      <dd className={`truncate text-base font-semibold leading-7 tabular-nums ${tone}`} title={formatNumber(value)} data-testid={testId}>
        {formatNumber(value)}
      </dd>
      {hint ? <dd className="truncate text-xs text-zinc-500">{hint}</dd> : null}
    </div>
  );
}

const PER_UNIT: Record<string, string> = { contacts: "a contact" };

/** What a unit is worth today, as the last run priced it: the bar a decision between runs must clear. */
function UnitPrice({ g }: { g: ResourceGauge }) {
  if (!g.priceUpdatedAt) return null;
  const unit = PER_UNIT[g.unit] ?? "a unit";
  return (
    <p className="mt-1 text-xs text-zinc-600" data-testid="gauge-price" title={`Priced by the run of ${formatDateTime(new Date(g.priceUpdatedAt))}`}>
      {g.price > 0 ? (
        <>
          Worth <span className="font-semibold tabular-nums text-zinc-900">{formatMoney(g.price)}</span> {unit} today
          {g.highValuePrice < g.price ? <> ({formatMoney(g.highValuePrice)} from the high-value reserve)</> : null}
        </>
      ) : (
        <>Free today: the last run left room to spare</>
      )}
    </p>
  );
}

type Dialog = { kind: "edit" | "reset"; resource: ResourceGauge } | null;

function GaugeCard({ g, canEdit, onOpen }: { g: ResourceGauge; canEdit: boolean; onOpen: (d: Dialog) => void }) {
  const isFull = g.free === 0;
  const colour = meterColour(g.used, g.limit);
  return (
    <article
      className="flex flex-col rounded-lg border border-zinc-200 bg-white p-4 shadow-sm"
      data-testid="resource-gauge"
      data-resource-key={g.key}
      aria-labelledby={`gauge-${g.key}-title`}
    >
      <header className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          {/* The key is for the audit trail's id filter; people read the name. */}
          <h3 id={`gauge-${g.key}-title`} className="text-sm font-semibold leading-5 text-zinc-900 [overflow-wrap:anywhere]" title={g.key}>
            {g.name}
          </h3>
        </div>
        {/* Fixed width: a number growing a digit must not rewrap the name beside it. */}
        <p className="w-28 shrink-0 text-right text-sm tabular-nums text-zinc-700">
          <span className="font-semibold text-zinc-900" data-testid="gauge-used">
            {formatNumber(g.used)}
          </span>{" "}
          / <span data-testid="gauge-limit">{formatNumber(g.limit)}</span>
          <span className="block truncate text-xs text-zinc-500">
            {g.unit} {PERIOD_WORD[g.period]}
          </span>
        </p>
      </header>

      <div className="mt-3">
        <GaugeMeter gauge={g} size="lg" testId="gauge-meter" />
        <p className="mt-1.5 flex flex-wrap gap-x-3 text-xs text-zinc-500" aria-hidden>
          <span className="inline-flex items-center gap-1">
            <span className={`h-2 w-2 rounded-sm ${colour}`} /> confirmed
          </span>
          <span className="inline-flex items-center gap-1">
            <span className={`h-2 w-2 rounded-sm opacity-40 ${colour}`} /> held
          </span>
          {g.reservedHighValue > 0 ? (
            <span className="inline-flex items-center gap-1">
              <span className="h-2 w-2 rounded-sm bg-zinc-400" /> high-value reserve
            </span>
          ) : null}
        </p>
      </div>

      <dl className="mt-3 grid grid-cols-4 gap-3 border-t border-zinc-100 pt-3">
        <Figure label="Confirmed" value={g.confirmed} testId="gauge-confirmed" />
        <Figure label="Held" value={g.held} testId="gauge-held" tone="text-amber-700" />
        <Figure label="Free" value={g.free} testId="gauge-free" tone={isFull ? "text-red-700" : "text-emerald-700"} />
        <Figure label="Reserved" value={g.reservedHighValue} testId="gauge-reserved" />
      </dl>
      <p className="mt-2 text-xs text-zinc-500">
        <span className="tabular-nums" data-testid="gauge-free-general">
          {formatNumber(g.freeGeneral)}
        </span>{" "}
        free outside the high-value reserve · period from{" "}
        <time dateTime={g.periodStart} data-testid="gauge-period-start">
          {formatDateTime(new Date(g.periodStart))}
        </time>
      </p>
      <UnitPrice g={g} />

      {canEdit ? (
        <div className="mt-auto flex gap-2 pt-3">
          <button
            type="button"
            className="rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-xs font-medium text-zinc-700 shadow-sm hover:bg-zinc-50"
            onClick={() => onOpen({ kind: "edit", resource: g })}
            aria-label={`Edit limits of ${g.name}`}
            data-testid="edit-constraint"
          >
            Edit limits
          </button>
          <button
            type="button"
            className="rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-xs font-medium text-zinc-700 shadow-sm hover:bg-zinc-50"
            onClick={() => onOpen({ kind: "reset", resource: g })}
            aria-label={`Reset the period of ${g.name}`}
            data-testid="reset-period"
          >
            Reset period
          </button>
        </div>
      ) : null}
    </article>
  );
}

/** One live gauge per resource, polled every second; the figures come from the server render first. */
export function CapacityGauges({ initial, canEdit }: { initial: ConstraintsSnapshot; canEdit: boolean }) {
  const query = useConstraintsQuery(initial);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { resources, asOf } = query.data;
  // The dialog edits the resource as it is now, not as it was when the dialog opened.
  const current = dialog ? (resources.find((r) => r.key === dialog.resource.key) ?? dialog.resource) : null;

  return (
    <div>
      <div className="mb-3 flex h-5 items-center justify-between gap-3 text-xs" data-testid="gauges-status">
        {query.isError ? (
          <p role="status" className="truncate text-amber-700">
            Live updates paused: the server could not be reached. Showing figures from {clock.format(new Date(asOf))}; retrying every second.
          </p>
        ) : (
          <p className="truncate text-zinc-500">
            <span aria-hidden className="mr-1.5 inline-block h-2 w-2 rounded-full bg-emerald-500 align-middle" />
            Live · figures as of <span className="tabular-nums">{clock.format(new Date(asOf))}</span>
          </p>
        )}
      </div>
      <p role="status" aria-live="polite" className={notice ? "mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" : "sr-only"} data-testid="constraints-notice">
        {notice}
      </p>
      {resources.length === 0 ? (
        <EmptyState title="No capacity resources are defined." testId="gauges-empty">
          Resources come with the treatment catalog; seed or import one to see its capacity here.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="resource-gauges">
          {resources.map((g) => (
            <GaugeCard key={g.key} g={g} canEdit={canEdit} onOpen={(d) => (setNotice(null), setDialog(d))} />
          ))}
        </div>
      )}
      {dialog?.kind === "edit" && current ? (
        <EditConstraintDialog resource={current} onClose={() => setDialog(null)} onDone={(message) => (setNotice(message), setDialog(null))} />
      ) : null}
      {dialog?.kind === "reset" && current ? (
        <ResetPeriodDialog
          resource={current}
          expectedPeriodStart={dialog.resource.periodStart}
          onClose={() => setDialog(null)} onDone={(message) => (setNotice(message), setDialog(null))} />
      ) : null}
    </div>
  );
}
