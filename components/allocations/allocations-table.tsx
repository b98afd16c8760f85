import Link from "next/link";
import type { AllocationRow } from "@/lib/queries/allocations";
import { Badge } from "../ui/badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatDateTime, formatNumber } from "../ui/format";
import { AllocationOutcomeBadge } from "./allocation-outcome-badge";

const columns: Column<AllocationRow>[] = [
  { key: "created", header: "Created", className: "whitespace-nowrap", cell: (a) => formatDateTime(a.createdAt) },
  { key: "resource", header: "Resource", className: "whitespace-nowrap", cell: (a) => a.resource.name },
  { key: "treatment", header: "Treatment", className: "whitespace-nowrap", cell: (a) => a.treatment.name },
  {
    key: "customer",
    header: "Customer",
    className: "whitespace-nowrap",
    cell: (a) => (
      <Link href={`/customers/${encodeURIComponent(a.customer.id)}`} className="text-indigo-700 hover:underline">
        {a.customer.name}
      </Link>
    ),
  },
  {
    key: "outcome",
    header: "Outcome",
    cell: (a) => (
      <div className="flex flex-wrap gap-1">
        <AllocationOutcomeBadge outcome={a.outcome} />
        {a.usedReserve ? <Badge tone="accent">Reserve</Badge> : null}
      </div>
    ),
  },
  { key: "units", header: "Units", align: "right", cell: (a) => formatNumber(a.units) },
  { key: "reason", header: "Reason", className: "min-w-64 text-zinc-700", cell: (a) => a.reason },
  {
    key: "priority",
    header: "Priority",
    align: "right",
    cell: (a) => (
      <span title={a.isHighValue ? "High-value customer" : undefined}>
        {a.priority.toFixed(2)}
        {a.isHighValue ? " ★" : ""}
      </span>
    ),
  },
];

export function AllocationsTable({ rows, isFiltered = false }: { rows: AllocationRow[]; isFiltered?: boolean }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(a) => a.id}
      caption="Allocation history"
      testId="allocations-table"
      rowTestId="allocation-row"
      empty={
        isFiltered
          ? "No allocation matches these filters."
          : "No capacity has been requested yet. Allocations appear here as runs hold, confirm or release capacity."
      }
    />
  );
}
