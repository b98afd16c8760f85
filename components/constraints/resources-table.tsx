import type { ResourceRow } from "@/lib/queries/constraints";
import { DataTable, type Column } from "../ui/data-table";
import { formatDateTime, formatNumber, humanize } from "../ui/format";
import { Meter } from "../ui/meter";

const columns: Column<ResourceRow>[] = [
  {
    key: "name",
    header: "Resource",
    className: "whitespace-nowrap",
    cell: (r) => (
      <div>
        <div className="font-medium text-zinc-900">{r.name}</div>
        <div className="font-mono text-xs text-zinc-500">{r.key}</div>
      </div>
    ),
  },
  {
    key: "usage",
    header: "Usage",
    className: "min-w-40",
    cell: (r) => (
      <div className="pt-1.5">
        <Meter used={r.used} held={r.held} limit={r.limit} label={`${r.name} used`} />
      </div>
    ),
  },
  { key: "used", header: "Used", align: "right", cell: (r) => formatNumber(r.used) },
  { key: "held", header: "Held", align: "right", cell: (r) => formatNumber(r.held) },
  { key: "limit", header: "Limit", align: "right", cell: (r) => `${formatNumber(r.limit)} ${r.unit}` },
  { key: "reserved", header: "Reserved high-value", align: "right", cell: (r) => formatNumber(r.reservedHighValue) },
  { key: "period", header: "Period", cell: (r) => humanize(r.period) },
  { key: "start", header: "Period start", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.periodStart) },
];

export function ResourcesTable({ rows }: { rows: ResourceRow[] }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(r) => r.key}
      caption="Capacity resources"
      testId="resources-table"
      rowTestId="resource-row"
      empty="No capacity resources are defined."
    />
  );
}
