import Link from "next/link";
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from "@/lib/audit/actions";
import type { AuditListParams } from "@/lib/validations/audit";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

/** A plain GET form: the filters live in the URL, so a view of the trail can be bookmarked and shared. */
export function AuditFilters({ params, actors }: { params: AuditListParams; actors: { id: string; label: string }[] }) {
  const isFiltered = Boolean(params.action || params.entity || params.actor || params.id || params.from || params.to);
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter the audit trail"
      className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-zinc-200 bg-white p-3 shadow-sm md:grid-cols-4 xl:grid-cols-7"
      data-testid="audit-filters"
    >
      <div>
        <label htmlFor="audit-action" className={labelClass}>
          What
        </label>
        <select id="audit-action" name="action" defaultValue={params.action ?? ""} className={inputClass}>
          <option value="">Every change</option>
          {Object.entries(AUDIT_ACTIONS).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-entity" className={labelClass}>
          On
        </label>
        <select id="audit-entity" name="entity" defaultValue={params.entity ?? ""} className={inputClass}>
          <option value="">Anything</option>
          {Object.entries(AUDIT_ENTITY_TYPES).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-actor" className={labelClass}>
          Who
        </label>
        <select id="audit-actor" name="actor" defaultValue={params.actor ?? ""} className={inputClass}>
          <option value="">Anyone</option>
          {actors.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
          <option value="system">The system (command line, background work)</option>
        </select>
      </div>
      <div>
        <label htmlFor="audit-id" className={labelClass}>
          Id
        </label>
        <input id="audit-id" name="id" defaultValue={params.id} placeholder="e.g. call_slots" className={inputClass} />
      </div>
      <div>
        <label htmlFor="audit-from" className={labelClass}>
          From
        </label>
        <input id="audit-from" name="from" type="date" defaultValue={params.from} className={inputClass} />
      </div>
      <div>
        <label htmlFor="audit-to" className={labelClass}>
          To
        </label>
        <input id="audit-to" name="to" type="date" defaultValue={params.to} className={inputClass} />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={primaryButtonClass}>
          Filter
        </button>
        {isFiltered ? (
          <Link href="/audit" className={secondaryButtonClass}>
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
