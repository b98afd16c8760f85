"use client";

import { Bar, BarChart, CartesianGrid, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** One treatment's lift in points of retention, with its 95% interval's ends. */
export type LiftDatum = { name: string; lift: number; low: number; high: number };

const axisTick = { fontSize: 12, fill: "#52525b" };
const ROW_HEIGHT = 44;

const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;

/** Lift per group as bars with interval whiskers: a whisker crossing 0 is not significant yet. */
export function LiftChart({
  data,
  title = "Lift in retention",
  testId = "chart-lift",
}: {
  data: LiftDatum[];
  title?: string;
  testId?: string;
}) {
  // ErrorBar takes the distance from the bar's end to each whisker end.
  const rows = data.map((d) => ({ ...d, interval: [d.lift - d.low, d.high - d.lift] as [number, number] }));
  return (
    <figure className="min-w-0 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <figcaption className="mb-3">
        <span className="block text-sm font-semibold text-zinc-900">{title}</span>
        <span className="block text-xs text-zinc-500">Points of retention over the held-out customers, with the 95% interval.</span>
      </figcaption>
      <div style={{ height: Math.max(160, 60 + rows.length * ROW_HEIGHT) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 24 }} accessibilityLayer>
            <CartesianGrid horizontal={false} stroke="#e4e4e7" />
            <XAxis type="number" tick={axisTick} tickFormatter={(v: number) => points(v)} domain={["auto", "auto"]} />
            <YAxis type="category" dataKey="name" width={170} tick={{ ...axisTick, fontSize: 11 }} interval={0} />
            <ReferenceLine x={0} stroke="#71717a" />
            <Tooltip formatter={(_v, _n, item) => {
              const d = item.payload as LiftDatum;
              return [`${points(d.lift)} points (95% CI ${points(d.low)} to ${points(d.high)})`, "Lift"];
            }} />
            <Bar dataKey="lift" name="Lift" fill="#4f46e5" maxBarSize={20} isAnimationActive={false}>
              <ErrorBar dataKey="interval" width={6} strokeWidth={1.5} stroke="#18181b" direction="x" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
