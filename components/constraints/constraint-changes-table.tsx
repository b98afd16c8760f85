import type { ConstraintChangeRow } from "@/lib/queries/constraints";
import { DataTable, type Column } from "../ui/data-table";
import { formatDateTime } from "../ui/format";

const columns: Column<ConstraintChangeRow>[] = [
  { key: "when", header: "When", className: "whitespace-nowrap", cell: (c) => formatDateTime(c.createdAt) },
  { key: "resource", header: "Resource", className: "whitespace-nowrap font-mono text-xs", cell: (c) => c.resourceKey },
  { key: "action", header: "Action", className: "whitespace-nowrap", cell: (c) => c.action },
  {
    key: "changes",
    header: "Changes",
    className: "min-w-56",
    cell: (c) =>
      c.changes.length === 0 ? (
        <span className="text-zinc-500">—</span>
      ) : (
        <ul className="space-y-0.5">
          {c.changes.map((change) => (
            <li key={change.field}>
              <span className="text-zinc-600">{change.field}:</span> {change.from} → {change.to}
            </li>
          ))}
        </ul>
      ),
  },
  { key: "by", header: "By", className: "whitespace-nowrap", cell: (c) => c.actorLabel },
  { key: "reason", header: "Reason", className: "text-zinc-700", cell: (c) => c.reason ?? "—" },
];

export function ConstraintChangesTable({ rows }: { rows: ConstraintChangeRow[] }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(c) => c.id}
      caption="Constraint change log"
      testId="constraint-changes-table"
      rowTestId="constraint-change-row"
      empty="No limit changes or period resets yet."
    />
  );
}
