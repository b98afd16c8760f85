"use client";

import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Incremental value of everything decided up to a week, GBP, with its 95% interval. */
export type ValueDatum = { weekStart: string; valueGbp: number; lowGbp: number; highGbp: number; treated: number; control: number };

const axisTick = { fontSize: 12, fill: "#52525b" };
const pounds = (x: number) => x.toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });

/** Cumulative incremental value as a line inside its interval band: a band reaching below 0 is not yet shown to pay. */
export function ValueChart({ data }: { data: ValueDatum[] }) {
  const rows = data.map((d) => ({ ...d, band: [d.lowGbp, d.highGbp] as [number, number] }));
  return (
    <figure className="min-w-0 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="chart-cumulative-value">
      <figcaption className="mb-3">
        <span className="block text-sm font-semibold text-zinc-900">Cumulative incremental value</span>
        <span className="block text-xs text-zinc-500">Customers kept by treatments decided up to each week, at their mean lifetime value, with the 95% interval.</span>
      </figcaption>
      <div style={{ height: 240 }}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ left: 16, right: 24, top: 8 }} accessibilityLayer>
            <CartesianGrid stroke="#e4e4e7" vertical={false} />
            <XAxis dataKey="weekStart" tick={axisTick} />
            <YAxis tick={axisTick} tickFormatter={(v: number) => pounds(v)} width={80} />
            <ReferenceLine y={0} stroke="#71717a" />
            <Tooltip
              formatter={(value, name, item) => {
                const d = item.payload as ValueDatum;
                return name === "Interval" ? [`${pounds(d.lowGbp)} to ${pounds(d.highGbp)}`, "95% interval"] : [`${pounds(Number(value))} (${d.treated.toLocaleString("en-GB")} treated, ${d.control.toLocaleString("en-GB")} held out)`, "Value"];
              }}
            />
            <Area dataKey="band" name="Interval" stroke="none" fill="#c7d2fe" fillOpacity={0.6} isAnimationActive={false} />
            <Line dataKey="valueGbp" name="Value" stroke="#4f46e5" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
