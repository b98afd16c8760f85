import Link from "next/link";
import { ValueTier } from "@/lib/generated/prisma/enums";
import { MAX_SEARCH_LENGTH } from "@/lib/validations/list-params";
import { humanize } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

type CustomerFiltersProps = {
  search?: string;
  segment?: string;
  tier?: ValueTier;
  segments: string[];
};

/** A plain GET form: filters live in the URL, so results can be bookmarked and shared. */
export function CustomerFilters({ search, segment, tier, segments }: CustomerFiltersProps) {
  const isFiltered = Boolean(search || segment || tier);
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
      <div className="w-44">
        <label htmlFor="customer-segment" className={labelClass}>
          Segment
        </label>
        <select id="customer-segment" name="segment" defaultValue={segment ?? ""} className={inputClass} data-testid="filter-segment">
          <option value="">All segments</option>
          {segments.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="w-40">
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
      <div className="flex gap-2">
        <button type="submit" className={primaryButtonClass}>
          Search
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
