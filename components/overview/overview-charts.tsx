"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReactNode } from "react";
import type { AllocationOutcome, RecommendationStatus } from "@/lib/generated/prisma/enums";
import { ALLOCATION_OUTCOME_LOOKS, ALLOCATION_OUTCOME_ORDER, RECOMMENDATION_STATUS_LOOKS, RECOMMENDATION_STATUS_ORDER } from "../ui/states";

export type TreatmentMixDatum = { name: string; count: number };
export type AllocationDayDatum = { label: string } & Record<AllocationOutcome, number>;
export type RunOutcomeDatum = { label: string } & Record<RecommendationStatus, number>;

const CHART_HEIGHT = 260;
const axisTick = { fontSize: 12, fill: "#52525b" };
// Legend entries in one readable colour; the swatch beside each carries the series colour.
const legendText = (value: string) => <span style={{ color: "#3f3f46" }}>{value}</span>;
const MAX_BAR = 56;

function ChartCard({ title, description, isEmpty, emptyText, testId, height = CHART_HEIGHT, children }: {
  title: string;
  description: string;
  isEmpty: boolean;
  emptyText: string;
  testId: string;
  height?: number;
  children: ReactNode;
}) {
  return (
    <figure className="min-w-0 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <figcaption className="mb-3">
        <span className="block text-sm font-semibold text-zinc-900">{title}</span>
        <span className="block text-xs text-zinc-500">{description}</span>
      </figcaption>
      {/* Fixed height so the page never jumps while the chart draws. */}
      <div style={{ height }}>
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
      height={Math.max(CHART_HEIGHT, 40 + data.length * 26)}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }} accessibilityLayer>
          <CartesianGrid horizontal={false} stroke="#e4e4e7" />
          <XAxis type="number" allowDecimals={false} tick={axisTick} />
          <YAxis type="category" dataKey="name" width={170} tick={{ ...axisTick, fontSize: 11 }} interval={0} />
          <Tooltip />
          <Bar dataKey="count" name="Recommendations" fill="#4f46e5" radius={[0, 3, 3, 0]} maxBarSize={20} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}


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
          <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} itemSorter={null} />
          {ALLOCATION_OUTCOME_ORDER.map((k) => (
            <Bar key={k} dataKey={k} name={ALLOCATION_OUTCOME_LOOKS[k].label} stackId="a" fill={ALLOCATION_OUTCOME_LOOKS[k].colour} maxBarSize={MAX_BAR} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}


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
          <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} itemSorter={null} />
          {RECOMMENDATION_STATUS_ORDER.map((s) => (
            <Bar key={s} dataKey={s} name={RECOMMENDATION_STATUS_LOOKS[s].label} stackId="a" fill={RECOMMENDATION_STATUS_LOOKS[s].colour} maxBarSize={MAX_BAR} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
