"use client";

import Link from "next/link";
import { useId, useState } from "react";
import type { ConstraintsSnapshot, ResourceGauge } from "@/lib/queries/constraints";
import { formatNumber } from "../ui/format";
import { GaugeMeter } from "./gauge-meter";
import { useConstraintsQuery } from "./use-constraints-query";

const clock = new Intl.DateTimeFormat("en-GB", { timeStyle: "medium", timeZone: "Europe/London" });

function StripItem({ g, isFocus }: { g: ResourceGauge; isFocus: boolean }) {
  return (
    <li
      className={`min-w-0 rounded-md border px-2.5 py-1.5 ${isFocus ? "border-indigo-300 bg-indigo-50/50" : "border-zinc-200 bg-white"}`}
      data-testid="capacity-strip-item"
      data-resource-key={g.key}
    >
      {/* One line each, truncated: a number growing a digit never changes the item's height. */}
      <div className="flex items-baseline justify-between gap-2">
        <span className="min-w-0 truncate text-xs font-medium text-zinc-900" title={`${g.name} (${g.key})`}>
          {g.name}
        </span>
        <span className="shrink-0 text-xs tabular-nums text-zinc-600" data-testid="strip-used">
          <span className="font-semibold text-zinc-900">{formatNumber(g.used)}</span> / {formatNumber(g.limit)}
        </span>
      </div>
      <div className="mt-1">
        <GaugeMeter gauge={g} testId="strip-meter" />
      </div>
      <p className="mt-0.5 truncate text-[11px] leading-4 tabular-nums text-zinc-500" data-testid="strip-breakdown">
        {formatNumber(g.confirmed)} confirmed, <span className={g.held > 0 ? "text-amber-700" : undefined}>{formatNumber(g.held)} held</span>
      </p>
    </li>
  );
}

type CapacityStripProps = {
  initial: ConstraintsSnapshot;
  /** Resources the screen is about (a filter's): shown first and marked; the rest wait behind "Show all". */
  focusKeys?: readonly string[];
};

/**
 * Every resource's committed / limit with its confirmed and held units, live: the same polled query
 * as the Constraints screen, so invalidating CONSTRAINTS_QUERY_KEY after a review redraws it at once.
 */
export function CapacityStrip({ initial, focusKeys = [] }: CapacityStripProps) {
  const query = useConstraintsQuery(initial);
  const [isShowingAll, setIsShowingAll] = useState(false);
  const titleId = useId();
  const listId = useId();
  const { resources, asOf } = query.data;
  const focus = new Set(focusKeys);
  const focused = resources.filter((r) => focus.has(r.key));
  const others = resources.filter((r) => !focus.has(r.key));
  const canCollapse = focused.length > 0 && others.length > 0;
  const shown = canCollapse && !isShowingAll ? focused : [...focused, ...others];

  return (
    <section className="mb-4 rounded-lg border border-zinc-200 bg-white p-3 shadow-sm" aria-labelledby={titleId} data-testid="capacity-strip">
      <div className="mb-2 flex h-5 items-center gap-3 text-xs">
        <h2 id={titleId} className="shrink-0 text-sm font-semibold text-zinc-900">
          Capacity
        </h2>
        {query.isError ? (
          <p role="status" className="min-w-0 flex-1 truncate text-amber-700" data-testid="capacity-strip-status">
            Live updates paused; figures from {clock.format(new Date(asOf))}.
          </p>
        ) : (
          <p className="min-w-0 flex-1 truncate text-zinc-500" data-testid="capacity-strip-status">
            <span aria-hidden className="mr-1.5 inline-block h-2 w-2 rounded-full bg-emerald-500 align-middle" />
            Live · committed of limit, as of <span className="tabular-nums">{clock.format(new Date(asOf))}</span>
          </p>
        )}
        {canCollapse ? (
          <button
            type="button"
            className="shrink-0 font-medium text-indigo-700 hover:underline"
            aria-expanded={isShowingAll}
            aria-controls={listId}
            onClick={() => setIsShowingAll((v) => !v)}
            data-testid="capacity-strip-toggle"
          >
            {isShowingAll ? "Show the filtered only" : `Show all ${formatNumber(resources.length)}`}
          </button>
        ) : null}
        <Link href="/constraints" className="shrink-0 font-medium text-indigo-700 hover:underline">
          Constraints
        </Link>
      </div>
      {resources.length === 0 ? (
        <p className="text-sm text-zinc-600">No capacity resources are defined.</p>
      ) : (
        <ul id={listId} className="grid grid-cols-2 gap-2 md:grid-cols-3 xl:grid-cols-4" aria-label="Capacity per resource">
          {shown.map((g) => (
            <StripItem key={g.key} g={g} isFocus={focus.has(g.key)} />
          ))}
        </ul>
      )}
    </section>
  );
}
