import Link from "next/link";
import { PolicyKind, ValueTier } from "@/lib/generated/prisma/enums";
import type { ReviewFilterOptions } from "@/lib/queries/recommendations";
import { REVIEW_SORTS, type ReviewListParams, type ReviewSort } from "@/lib/validations/review";
import { humanize } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { POLICY_LABELS } from "./policy-badge";

const SORT_LABELS: Record<ReviewSort, string> = {
  created: "Age (created)",
  value: "Expected value",
  confidence: "Confidence",
  risk: "Churn risk",
  tier: "Value tier",
  treatment: "Treatment",
  name: "Customer name",
  id: "Customer id",
};

/** A plain GET form: the queue's filters, search and order live in the URL, so a filtered queue can be bookmarked and shared. */
export type SavedSegmentChoice = { id: string; name: string; size: number | null };

export function ReviewFilters({ params, options, savedSegments }: { params: ReviewListParams; options: ReviewFilterOptions; savedSegments: SavedSegmentChoice[] }) {
  const isFiltered = Boolean(
    params.treatment || params.resource || params.policy || params.tier || params.minConfidence || params.q || params.saved || params.sort !== "created" || params.dir !== "asc",
  );
  // The query keeps nothing for an id that names no segment; say so, or the empty queue would read as "all reviewed".
  const isUnknownSegment = params.saved !== undefined && !savedSegments.some((s) => s.id === params.saved);
  return (
    <form
      method="get"
      action="/review"
      role="search"
      aria-label="Filter the review queue"
      className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-zinc-200 bg-white p-3 shadow-sm md:grid-cols-3 xl:grid-cols-6"
      data-testid="review-filters"
    >
      <div className="col-span-2">
        <label htmlFor="review-search" className={labelClass}>
          Customer
        </label>
        <input
          id="review-search"
          name="q"
          type="search"
          placeholder="Name or id"
          defaultValue={params.q ?? ""}
          maxLength={100}
          className={inputClass}
          data-testid="filter-search"
        />
      </div>
      <div>
        <label htmlFor="review-sort" className={labelClass}>
          Sort by
        </label>
        <select id="review-sort" name="sort" defaultValue={params.sort} className={inputClass} data-testid="filter-sort">
          {REVIEW_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="review-dir" className={labelClass}>
          Order
        </label>
        <select id="review-dir" name="dir" defaultValue={params.dir} className={inputClass} data-testid="filter-dir">
          <option value="asc">Lowest / oldest / A first</option>
          <option value="desc">Highest / newest / Z first</option>
        </select>
      </div>
      <div>
        <label htmlFor="review-treatment" className={labelClass}>
          Treatment
        </label>
        <select id="review-treatment" name="treatment" defaultValue={params.treatment ?? ""} className={inputClass} data-testid="filter-treatment">
          <option value="">All treatments</option>
          {options.treatments.map((t) => (
            <option key={t.key} value={t.key}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="review-resource" className={labelClass}>
          Resource
        </label>
        <select id="review-resource" name="resource" defaultValue={params.resource ?? ""} className={inputClass} data-testid="filter-resource">
          <option value="">All resources</option>
          {options.resources.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="review-policy" className={labelClass}>
          Policy
        </label>
        <select id="review-policy" name="policy" defaultValue={params.policy ?? ""} className={inputClass} data-testid="filter-policy">
          <option value="">Both policies</option>
          {Object.values(PolicyKind).map((p) => (
            <option key={p} value={p}>
              {POLICY_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="review-tier" className={labelClass}>
          Value tier
        </label>
        <select id="review-tier" name="tier" defaultValue={params.tier ?? ""} className={inputClass} data-testid="filter-tier">
          <option value="">All tiers</option>
          {Object.values(ValueTier).map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="review-confidence" className={labelClass}>
          Min. confidence (%)
        </label>
        <input
          id="review-confidence"
          name="minConfidence"
          type="number"
          min={0}
          max={100}
          step={1}
          inputMode="numeric"
          placeholder="0"
          defaultValue={params.minConfidence ?? ""}
          className={inputClass}
          data-testid="filter-confidence"
        />
      </div>
      {savedSegments.length > 0 || isUnknownSegment ? (
        <div>
          <label htmlFor="review-saved-segment" className={labelClass}>
            Saved segment
          </label>
          <select id="review-saved-segment" name="saved" defaultValue={isUnknownSegment ? "" : (params.saved ?? "")} className={inputClass} data-testid="filter-saved-segment">
            <option value="">Any saved segment</option>
            {savedSegments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.size === null ? s.name : `${s.name} (${s.size.toLocaleString("en-GB")})`}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {isUnknownSegment ? (
        <p role="alert" className="col-span-full text-sm text-red-700" data-testid="filter-saved-segment-error">
          Saved segment: no saved segment has this id (it may have been deleted), so nothing is listed. Choose another or clear the filter.
        </p>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" className={primaryButtonClass} data-testid="filter-apply">
          Filter
        </button>
        {isFiltered ? (
          <Link href="/review" className={secondaryButtonClass}>
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
