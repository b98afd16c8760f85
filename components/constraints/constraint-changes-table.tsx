import type { ConstraintChangeRow, FieldChange } from "@/lib/queries/constraints";
import { fieldLabel } from "../audit/field-labels";
import { Badge, type BadgeTone } from "../ui/badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatDateTime } from "../ui/format";

const ACTIONS: Record<string, { label: string; tone: BadgeTone }> = {
  "constraint.update": { label: "Limits changed", tone: "accent" },
  "constraint.reset_period": { label: "Period reset", tone: "warning" },
};

function showValue(field: string, value: string): string {
  if (field === "periodStart" && value !== "—") {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return formatDateTime(date);
  }
  return value;
}

function Values({ changes, side }: { changes: FieldChange[]; side: "from" | "to" }) {
  if (changes.length === 0) return <span className="text-zinc-500">—</span>;
  return (
    <dl className="space-y-0.5">
      {changes.map((change) => (
        <div key={change.field} className="flex flex-wrap gap-x-1.5">
          <dt className="text-zinc-500">{fieldLabel(change.field)}:</dt>
          <dd className="whitespace-nowrap tabular-nums text-zinc-900" data-field={change.field}>
            {showValue(change.field, change[side])}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function columnsFor(resourceNames: Readonly<Record<string, string>>): Column<ConstraintChangeRow>[] {
  return [
    {
      key: "when",
      header: "When and who",
      className: "whitespace-nowrap",
      cell: (c) => (
        <div>
          <div>{formatDateTime(c.createdAt)}</div>
          <div className="text-xs text-zinc-500" data-testid="change-actor">
            {c.actorLabel}
          </div>
        </div>
      ),
    },
    {
      key: "change",
      header: "Change",
      cell: (c) => {
        const known = ACTIONS[c.action];
        return (
          <div className="space-y-1">
            <Badge tone={known?.tone ?? "neutral"}>{known?.label ?? c.action}</Badge>
            <div className="text-xs text-zinc-700" title={c.resourceKey} data-testid="change-resource">
              {resourceNames[c.resourceKey] ?? c.resourceKey}
            </div>
          </div>
        );
      },
    },
    { key: "before", header: "Before", cell: (c) => <Values changes={c.changes} side="from" /> },
    { key: "after", header: "After", cell: (c) => <Values changes={c.changes} side="to" /> },
    { key: "reason", header: "Reason", className: "min-w-32 text-zinc-700", cell: (c) => c.reason ?? "—" },
  ];
}

/** Limit changes and period resets; `resourceNames` by key, so each names its resource as the gauges do. */
export function ConstraintChangesTable({ rows, resourceNames }: { rows: ConstraintChangeRow[]; resourceNames: Readonly<Record<string, string>> }) {
  return (
    <DataTable
      columns={columnsFor(resourceNames)}
      rows={rows}
      rowKey={(c) => c.id}
      caption="Constraint change log"
      testId="constraint-changes-table"
      rowTestId="constraint-change-row"
      empty="No limit changes or period resets yet."
    />
  );
}
