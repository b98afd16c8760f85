"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PlanSummary } from "@/lib/agents/scenario/scenario";
import type { ScenarioResult } from "@/lib/pipeline/scenario";
import { type Column, DataTable } from "../ui/data-table";
import { formatMoney, formatNumber, plural } from "../ui/format";
import { StatCard } from "../ui/stat-card";

// Current first in grey, then up to two scenarios in the app's accents.
const COLOURS = ["#a1a1aa", "#4f46e5", "#0d9488"];

const signedMoney = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : "±"}${formatMoney(Math.abs(n))}`;
const signedNumber = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : "±"}${formatNumber(Math.abs(n))}`;
const toneOf = (n: number) => (n > 0 ? "text-emerald-700" : n < 0 ? "text-red-700" : "text-zinc-600");

type Series = { name: string; summary: PlanSummary };

function ComparisonChart({ title, rows, series, testId, unit }: { title: string; rows: { name: string; values: number[] }[]; series: Series[]; testId: string; unit: string }) {
  const data = rows.map((r) => Object.fromEntries([["name", r.name], ...r.values.map((v, i) => [`s${i}`, v])]));
  const described = rows.map((r) => `${r.name}: ${r.values.map((v, i) => `${series[i]!.name} ${formatNumber(v)}`).join(", ")}`).join("; ");
  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm">
      <figcaption className="mb-2 text-sm font-medium text-zinc-800">{title}</figcaption>
      {/* Bars run sideways so every treatment or resource name reads whole, however many there are. */}
      <div style={{ height: 48 + rows.length * (6 + 10 * series.length) }} role="img" aria-label={`${title} (${unit}): ${described}`} data-testid={testId}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 0 }} barCategoryGap={3}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e4e4e7" />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} tickFormatter={(v) => formatNumber(Number(v))} />
            <YAxis type="category" dataKey="name" width={150} interval={0} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(v) => formatNumber(Number(v))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {series.map((s, i) => (
              <Bar key={s.name} dataKey={`s${i}`} name={s.name} fill={COLOURS[i]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

type PriceRow = { key: string; name: string; limit: number[]; used: number[]; price: number[] };

/** The current plan beside one or two scenarios: value, the difference, reach, capacity and prices. */
export function ScenarioResults({ result }: { result: ScenarioResult }) {
  const series: Series[] = [{ name: "Current", summary: result.current }, ...result.scenarios.map((s) => ({ name: s.name, summary: s.summary }))];
  const treatmentKeys = [...new Map(series.flatMap((s) => s.summary.treatments.map((t) => [t.key, t.name] as const)))];
  const reachRows = treatmentKeys.map(([key, name]) => ({ name, values: series.map((s) => s.summary.treatments.find((t) => t.key === key)?.customers ?? 0) }));
  const resourceRows: PriceRow[] = result.current.resources.map((r) => {
    const of = (s: Series) => s.summary.resources.find((x) => x.key === r.key);
    return { key: r.key, name: r.name, limit: series.map((s) => of(s)?.limit ?? 0), used: series.map((s) => of(s)?.used ?? 0), price: series.map((s) => of(s)?.price ?? 0) };
  });
  const priceColumns: Column<PriceRow>[] = [
    { key: "name", header: "Resource", cell: (r) => r.name },
    ...series.flatMap((s, i): Column<PriceRow>[] => [
      { key: `used-${i}`, header: `${s.name}: used / limit`, align: "right", cell: (r) => `${formatNumber(r.used[i]!)} / ${formatNumber(r.limit[i]!)}`, className: "tabular-nums whitespace-nowrap" },
      { key: `price-${i}`, header: `${s.name}: price`, align: "right", cell: (r) => `${formatMoney(r.price[i]!)} / unit`, className: "tabular-nums whitespace-nowrap" },
    ]),
  ];

  return (
    <div className="space-y-4" data-testid="scenario-results">
      <p className="text-sm text-zinc-600" data-testid="scenario-scope">
        Planned {plural(result.scope.planned, "customer")}
        {result.scope.isSampled ? ` of ${formatNumber(result.scope.total)}` : ""} with the rules in {(result.durationMs / 1000).toFixed(1)} s
        {result.scope.failed > 0 ? `; ${plural(result.scope.failed, "customer")} could not be decided and are left out` : ""}. Nothing was written and no
        capacity was held.
        {result.current.strategy === "optimal" ? " Plans are optimal, with each resource priced by what one more unit would add." : " Plans follow today's priority order; prices need the optimiser."}
      </p>
      {result.sampleNote ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="scenario-sample-note">
          {result.sampleNote}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard label="Current plan" value={formatMoney(result.current.totalValue)} hint={`${plural(result.current.customers - result.current.noAction, "customer")} treated`} testId="value-current" />
        {result.scenarios.map((s, i) => (
          <StatCard
            key={s.name}
            label={s.name}
            value={formatMoney(s.summary.totalValue)}
            hint={
              <span className={toneOf(s.comparison.totalValue.delta)} data-testid={`value-delta-${i}`}>
                {signedMoney(s.comparison.totalValue.delta)} · {plural(s.comparison.customersChanged, "customer")} {s.comparison.customersChanged === 1 ? "changes" : "change"} treatment
              </span>
            }
            testId={`value-scenario-${i}`}
          />
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <ComparisonChart title="Customers per treatment" unit="customers" rows={reachRows} series={series} testId="reach-chart" />
        <ComparisonChart title="Capacity used per resource" unit="units" rows={resourceRows.map((r) => ({ name: r.name, values: r.used }))} series={series} testId="capacity-chart" />
      </div>
      <DataTable columns={priceColumns} rows={resourceRows} rowKey={(r) => r.key} empty="No resources." caption="Capacity use and prices" testId="scenario-prices" />
      <ul className="space-y-1 text-sm text-zinc-700" data-testid="scenario-differences">
        {result.scenarios.map((s) =>
          s.comparison.reach
            .filter((d) => d.delta !== 0)
            .map((d) => (
              <li key={`${s.name}-${d.key}`}>
                {result.scenarios.length > 1 ? `${s.name}: ` : ""}
                {d.name} <span className={`tabular-nums ${toneOf(d.delta)}`}>{signedNumber(d.delta)}</span> ({formatNumber(d.current)} → {formatNumber(d.scenario)})
              </li>
            )),
        )}
      </ul>
    </div>
  );
}
