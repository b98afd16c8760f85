import Link from "next/link";
import { AllocationOutcome } from "@/lib/generated/prisma/enums";
import type { Option } from "@/lib/queries/allocations";
import { humanize } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

type AllocationFiltersProps = {
  resource?: string;
  treatment?: string;
  outcome?: AllocationOutcome;
  from?: string;
  to?: string;
  resources: Option[];
  treatments: Option[];
};

/** A plain GET form: filters live in the URL, so a view of the history can be bookmarked and shared. */
export function AllocationFilters({ resource, treatment, outcome, from, to, resources, treatments }: AllocationFiltersProps) {
  const isFiltered = Boolean(resource || treatment || outcome || from || to);
  return (
    <form
      method="get"
      action="/allocations"
      role="search"
      aria-label="Filter allocations"
      className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-zinc-200 bg-white p-3 shadow-sm md:grid-cols-3 xl:grid-cols-6"
      data-testid="allocation-filters"
    >
      <div>
        <label htmlFor="allocation-resource" className={labelClass}>
          Resource
        </label>
        <select id="allocation-resource" name="resource" defaultValue={resource ?? ""} className={inputClass} data-testid="filter-resource">
          <option value="">All resources</option>
          {resources.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="allocation-treatment" className={labelClass}>
          Treatment
        </label>
        <select id="allocation-treatment" name="treatment" defaultValue={treatment ?? ""} className={inputClass} data-testid="filter-treatment">
          <option value="">All treatments</option>
          {treatments.map((t) => (
            <option key={t.key} value={t.key}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="allocation-outcome" className={labelClass}>
          Outcome
        </label>
        <select id="allocation-outcome" name="outcome" defaultValue={outcome ?? ""} className={inputClass} data-testid="filter-outcome">
          <option value="">All outcomes</option>
          {Object.values(AllocationOutcome).map((o) => (
            <option key={o} value={o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="allocation-from" className={labelClass}>
          From
        </label>
        <input id="allocation-from" name="from" type="date" defaultValue={from} className={inputClass} data-testid="filter-from" />
      </div>
      <div>
        <label htmlFor="allocation-to" className={labelClass}>
          To
        </label>
        <input id="allocation-to" name="to" type="date" defaultValue={to} className={inputClass} data-testid="filter-to" />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={primaryButtonClass} data-testid="apply-filters">
          Apply
        </button>
        {isFiltered ? (
          <Link href="/allocations" className={secondaryButtonClass}>
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
