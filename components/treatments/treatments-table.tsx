import type { TreatmentRow } from "@/lib/queries/treatments";
import { Badge } from "../ui/badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatMoney, formatNumber, formatPercent, humanize } from "../ui/format";

const columns: Column<TreatmentRow>[] = [
  {
    key: "name",
    header: "Treatment",
    className: "min-w-56",
    cell: (t) => (
      <div>
        <div className="flex flex-wrap items-center gap-2 font-medium text-zinc-900">
          {t.name}
          {t.isActive ? null : <Badge tone="neutral">Inactive</Badge>}
          {t.isNoAction ? <Badge tone="neutral">No contact</Badge> : null}
        </div>
        <div className="font-mono text-xs text-zinc-500">{t.key}</div>
        <p className="mt-1 text-xs text-zinc-600">{t.description}</p>
      </div>
    ),
  },
  { key: "channel", header: "Channel", cell: (t) => (t.channel ? humanize(t.channel) : "—") },
  { key: "cost", header: "Cost", align: "right", cell: (t) => formatMoney(t.costPerContact) },
  { key: "goal", header: "Goal", className: "whitespace-nowrap", cell: (t) => humanize(t.goal) },
  { key: "priority", header: "Priority", align: "right", cell: (t) => t.priority },
  { key: "effect", header: "Expected effect", align: "right", cell: (t) => formatPercent(t.expectedEffect) },
  {
    key: "eligibility",
    header: "Eligibility",
    className: "min-w-56",
    cell: (t) =>
      t.eligibility.length === 0 ? (
        <span className="text-zinc-600">Everyone</span>
      ) : (
        <ul className="space-y-0.5 text-xs" data-testid="treatment-eligibility">
          {t.eligibility.map((rule) => (
            <li key={rule.label}>
              <span className="text-zinc-500">{rule.label}:</span> {rule.value}
            </li>
          ))}
        </ul>
      ),
  },
  {
    key: "resource",
    header: "Capacity",
    className: "whitespace-nowrap",
    cell: (t) =>
      t.resource ? (
        <div>
          <div>{t.resource.name}</div>
          <div className="text-xs text-zinc-500">
            {formatNumber(t.resource.limit)} per {t.resource.period}
            {t.unitsPerContact > 1 ? ` · ${t.unitsPerContact} units each` : ""}
          </div>
        </div>
      ) : (
        <span className="text-zinc-500">Unlimited</span>
      ),
  },
];

export function TreatmentsTable({ rows }: { rows: TreatmentRow[] }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(t) => t.key}
      caption="Treatment catalog"
      testId="treatments-table"
      rowTestId="treatment-row"
      empty="The treatment catalog is empty."
    />
  );
}
