"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReactNode } from "react";

export type TreatmentMixDatum = { name: string; count: number };
export type AllocationDayDatum = { label: string; held: number; confirmed: number; released: number; denied: number };
export type RunOutcomeDatum = { label: string; pending_review: number; approved: number; overridden: number; rejected: number; no_action: number; failed: number };

const CHART_HEIGHT = 260;
const axisTick = { fontSize: 12, fill: "#52525b" };

function ChartCard({ title, description, isEmpty, emptyText, testId, children }: {
  title: string;
  description: string;
  isEmpty: boolean;
  emptyText: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <figure className="min-w-0 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <figcaption className="mb-3">
        <span className="block text-sm font-semibold text-zinc-900">{title}</span>
        <span className="block text-xs text-zinc-500">{description}</span>
      </figcaption>
      {/* Fixed height so the page never jumps while the chart draws. */}
      <div style={{ height: CHART_HEIGHT }}>
        {isEmpty ? <p className="grid h-full place-items-center text-sm text-zinc-500">{emptyText}</p> : children}
      </div>
    </figure>
  );
}

export function TreatmentMixChart({ data, days }: { data: TreatmentMixDatum[]; days: number }) {
  return (
    <ChartCard
      title="Treatment mix"
      description={`What the recommendations of the last ${days} days chose.`}
      isEmpty={data.length === 0}
      emptyText="No recommendations in this period."
      testId="chart-treatment-mix"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }} accessibilityLayer>
          <CartesianGrid horizontal={false} stroke="#e4e4e7" />
          <XAxis type="number" allowDecimals={false} tick={axisTick} />
          <YAxis type="category" dataKey="name" width={150} tick={axisTick} interval={0} />
          <Tooltip />
          <Bar dataKey="count" name="Recommendations" fill="#4f46e5" radius={[0, 3, 3, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

const OUTCOME_COLOURS = { confirmed: "#059669", held: "#818cf8", released: "#a1a1aa", denied: "#dc2626" } as const;

export function AllocationsPerDayChart({ data }: { data: AllocationDayDatum[] }) {
  const isEmpty = data.every((d) => d.held + d.confirmed + d.released + d.denied === 0);
  return (
    <ChartCard
      title="Allocations per day"
      description={`Capacity attempts over the last ${data.length} days, by outcome.`}
      isEmpty={isEmpty}
      emptyText="No allocation attempts in this period."
      testId="chart-allocations-per-day"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ right: 8 }} accessibilityLayer>
          <CartesianGrid vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="label" tick={axisTick} interval="preserveStartEnd" />
          <YAxis allowDecimals={false} tick={axisTick} width={40} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {(Object.keys(OUTCOME_COLOURS) as (keyof typeof OUTCOME_COLOURS)[]).map((k) => (
            <Bar key={k} dataKey={k} name={k.charAt(0).toUpperCase() + k.slice(1)} stackId="a" fill={OUTCOME_COLOURS[k]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

const STATUS_SERIES = [
  { key: "pending_review", name: "Pending review", colour: "#f59e0b" },
  { key: "approved", name: "Approved", colour: "#059669" },
  { key: "overridden", name: "Overridden", colour: "#0ea5e9" },
  { key: "rejected", name: "Rejected", colour: "#71717a" },
  { key: "no_action", name: "No action", colour: "#d4d4d8" },
  { key: "failed", name: "Failed", colour: "#dc2626" },
] as const;

export function RunOutcomesChart({ data }: { data: RunOutcomeDatum[] }) {
  return (
    <ChartCard
      title="Outcomes of the last runs"
      description="Where each run's decisions stand now, oldest run on the left."
      isEmpty={data.length === 0}
      emptyText="No runs yet."
      testId="chart-run-outcomes"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ right: 8 }} accessibilityLayer>
          <CartesianGrid vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="label" tick={axisTick} />
          <YAxis allowDecimals={false} tick={axisTick} width={40} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {STATUS_SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="a" fill={s.colour} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
