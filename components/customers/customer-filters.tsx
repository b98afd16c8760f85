import Link from "next/link";
import { type PatternKey, patternKeys } from "@/lib/agents/domain";
import { patternLabels } from "@/lib/agents/journey/analyze";
import { ValueTier } from "@/lib/generated/prisma/enums";
import type { CustomerSort, RiskBand } from "@/lib/queries/customers";
import { MAX_SEARCH_LENGTH } from "@/lib/validations/list-params";
import { humanize } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

type CustomerFiltersProps = {
  search?: string;
  segment?: string;
  tier?: ValueTier;
  risk?: RiskBand;
  isPendingOnly: boolean;
  pattern?: PatternKey;
  savedSegmentId?: string;
  savedSegments: { id: string; name: string }[];
  sort?: CustomerSort;
  direction?: "asc" | "desc";
  segments: string[];
};

const SORT_LABELS: Record<CustomerSort, string> = { id: "Id", name: "Name", tenure: "Tenure", revenue: "Monthly revenue" };
const RISK_LABELS: Record<RiskBand, string> = { high: "High (60% and over)", medium: "Medium (30–60%)", low: "Low (under 30%)" };

/** A plain GET form: filters live in the URL, so results can be bookmarked and shared. */
export function CustomerFilters({ search, segment, tier, risk, isPendingOnly, pattern, savedSegmentId, savedSegments, sort, direction, segments }: CustomerFiltersProps) {
  const isFiltered = Boolean(search || segment || tier || risk || isPendingOnly || pattern || savedSegmentId);
  return (
    <form
      method="get"
      action="/customers"
      role="search"
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white p-3 shadow-sm"
      data-testid="customer-filters"
    >
      <div className="min-w-56 flex-1">
        <label htmlFor="customer-search" className={labelClass}>
          Search
        </label>
        <input
          id="customer-search"
          name="q"
          type="search"
          defaultValue={search}
          maxLength={MAX_SEARCH_LENGTH}
          placeholder="Customer id or name"
          className={inputClass}
          data-testid="customer-search"
        />
      </div>
      <div className="w-40">
        <label htmlFor="customer-segment" className={labelClass}>
          Segment
        </label>
        <select id="customer-segment" name="segment" defaultValue={segment ?? ""} className={inputClass} data-testid="filter-segment">
          <option value="">All segments</option>
          {segments.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="w-32">
        <label htmlFor="customer-tier" className={labelClass}>
          Value tier
        </label>
        <select id="customer-tier" name="tier" defaultValue={tier ?? ""} className={inputClass} data-testid="filter-tier">
          <option value="">All tiers</option>
          {Object.values(ValueTier).map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </select>
      </div>
      <div className="w-48">
        <label htmlFor="customer-risk" className={labelClass}>
          Churn score (data)
        </label>
        <select id="customer-risk" name="risk" defaultValue={risk ?? ""} className={inputClass} data-testid="filter-risk">
          <option value="">Any score</option>
          {(Object.keys(RISK_LABELS) as RiskBand[]).map((r) => (
            <option key={r} value={r}>
              {RISK_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="w-48">
        <label htmlFor="customer-pattern" className={labelClass}>
          Journey pattern
        </label>
        <select id="customer-pattern" name="pattern" defaultValue={pattern ?? ""} className={inputClass} data-testid="filter-pattern">
          <option value="">Any pattern</option>
          {patternKeys.map((k) => (
            <option key={k} value={k}>
              {patternLabels[k]}
            </option>
          ))}
        </select>
      </div>
      {savedSegments.length > 0 ? (
        <div className="w-48">
          <label htmlFor="customer-saved-segment" className={labelClass}>
            Saved segment
          </label>
          <select id="customer-saved-segment" name="saved" defaultValue={savedSegmentId ?? ""} className={inputClass} data-testid="filter-saved-segment">
            <option value="">Any saved segment</option>
            {savedSegments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="w-40">
        <label htmlFor="customer-sort" className={labelClass}>
          Sort by
        </label>
        <select id="customer-sort" name="sort" defaultValue={sort ?? "id"} className={inputClass} data-testid="customer-sort">
          {(Object.keys(SORT_LABELS) as CustomerSort[]).map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="w-32">
        <label htmlFor="customer-dir" className={labelClass}>
          Order
        </label>
        <select id="customer-dir" name="dir" defaultValue={direction ?? "asc"} className={inputClass} data-testid="customer-dir">
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </select>
      </div>
      <label className="flex h-9 items-center gap-2 text-sm text-zinc-700">
        <input type="checkbox" name="pending" value="yes" defaultChecked={isPendingOnly} data-testid="filter-pending" />
        Pending review only
      </label>
      <div className="flex gap-2">
        <button type="submit" className={primaryButtonClass}>
          Apply
        </button>
        {isFiltered ? (
          <Link href="/customers" className={secondaryButtonClass}>
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
