"use client";

import { useId, useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AllocationOutcome } from "@/lib/generated/prisma/enums";
import type { AllocationSeries, Option } from "@/lib/queries/allocations";
import { formatNumber, formatPercent } from "../ui/format";
import { inputClass, labelClass } from "../ui/form-controls";
import { ALLOCATION_OUTCOME_LOOKS, ALLOCATION_OUTCOME_ORDER } from "../ui/states";

const OUTCOMES = ALLOCATION_OUTCOME_ORDER.map((key) => ({ key, ...ALLOCATION_OUTCOME_LOOKS[key] }));

const ALL = "";
const shortDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const longDay = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
// A bucket is a UK day `YYYY-MM-DD` or a UK hour `YYYY-MM-DDTHH:00`; both are shown as written, never shifted by the browser's zone.
const dayOf = (bucket: string) => new Date(`${bucket.slice(0, 10)}T00:00:00Z`);
const hourOf = (bucket: string) => bucket.slice(11, 16);
const isHour = (bucket: string) => bucket.length > 10;
/** Hours read as 09:00, with the date at each midnight so a two-day chart says where the second day starts. */
const dayLabel = (bucket: string) => (isHour(bucket) ? (hourOf(bucket) === "00:00" ? shortDay.format(dayOf(bucket)) : hourOf(bucket)) : shortDay.format(dayOf(bucket)));
const dayTitle = (bucket: unknown) =>
  typeof bucket !== "string" ? String(bucket) : isHour(bucket) ? `${longDay.format(dayOf(bucket))}, ${hourOf(bucket)}` : longDay.format(dayOf(bucket));

type AllocationChartsProps = {
  series: AllocationSeries;
  resources: Option[];
  /** The resource the history is filtered on, shown first. */
  initialResource?: string;
};

/** Outcomes per day, or per hour over a day or two, (stacked) and the denial rate, for one resource or all of them. */
export function AllocationCharts({ series, resources, initialResource }: AllocationChartsProps) {
  const id = useId();
  const present = useMemo(() => new Set(series.days.map((d) => d.resourceKey).filter((k): k is string => k !== null)), [series]);
  const choices = resources.filter((r) => present.has(r.key));
  const [selected, setSelected] = useState(initialResource && present.has(initialResource) ? initialResource : ALL);
  const days = series.days.filter((d) => d.resourceKey === (selected === ALL ? null : selected));
  const rates = days.map((d) => ({ day: d.day, rate: d.denialRate === null ? null : Math.round(d.denialRate * 1000) / 10 }));
  const totals = OUTCOMES.map((o) => ({ ...o, total: days.reduce((sum, d) => sum + d[o.key], 0) }));
  const totalOf = (key: AllocationOutcome) => totals.find((t) => t.key === key)?.total ?? 0;
  const requests = totalOf("held") + totalOf("denied");
  const denied = totalOf("denied");
  const name = selected === ALL ? "all resources" : (resources.find((r) => r.key === selected)?.name ?? selected);
  const range = series.from === series.to ? dayTitle(series.from) : `${dayTitle(series.from)} to ${dayTitle(series.to)}`;
  const per = series.bucket === "hour" ? "hour" : "day";
  const summary = `${totals.map((t) => `${formatNumber(t.total)} ${t.label.toLowerCase()}`).join(", ")} for ${name}, ${range}`;

  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="allocation-charts">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <p className="text-sm text-zinc-600">
          {range}
          {series.isTruncated ? " (the last days of a longer range)" : ""} · <span className="tabular-nums">{formatNumber(requests)}</span> requests,{" "}
          <span className="tabular-nums">{requests > 0 ? formatPercent(denied / requests) : "—"}</span> denied
        </p>
        <div className="w-56">
          <label htmlFor={`${id}-resource`} className={labelClass}>
            Chart resource
          </label>
          <select id={`${id}-resource`} value={selected} onChange={(e) => setSelected(e.target.value)} className={inputClass} data-testid="chart-resource">
            <option value={ALL}>All resources</option>
            {choices.map((r) => (
              <option key={r.key} value={r.key}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="grid gap-6 lg:grid-cols-5">
        <figure className="lg:col-span-3">
          <figcaption className="mb-2 text-sm font-medium text-zinc-800">Attempts per {per} by outcome</figcaption>
          <div className="h-64" role="img" aria-label={`Attempts per ${per} by outcome: ${summary}`} data-testid="outcomes-chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={days} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
                <XAxis dataKey="day" tickFormatter={dayLabel} tick={{ fontSize: 11 }} minTickGap={16} />
                <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                <Tooltip labelFormatter={dayTitle} />
                <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
                {OUTCOMES.map((o) => (
                  <Bar key={o.key} dataKey={o.key} name={o.label} stackId="outcomes" fill={o.colour} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        </figure>
        <figure className="lg:col-span-2">
          <figcaption className="mb-2 text-sm font-medium text-zinc-800">Denial rate per {per}</figcaption>
          <div
            className="h-64"
            role="img"
            aria-label={`Share of capacity requests denied per ${per} for ${name}: ${requests > 0 ? formatPercent(denied / requests) : "no requests"} over ${range}`}
            data-testid="denial-chart"
          >
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={rates} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
                <XAxis dataKey="day" tickFormatter={dayLabel} tick={{ fontSize: 11 }} minTickGap={16} />
                <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} tick={{ fontSize: 11 }} />
                <Tooltip labelFormatter={dayTitle} formatter={(v) => [`${v}%`, "Denied"]} />
                <Line type="monotone" dataKey="rate" name="Denied" stroke="#dc2626" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <p className="mt-1 text-xs text-zinc-500">Denied ÷ (held + denied) requests; {per === "hour" ? "hours" : "days"} without requests are left blank.</p>
        </figure>
      </div>
    </div>
  );
}
