import Link from "next/link";
import type { AllocationRow } from "@/lib/queries/allocations";
import { Badge } from "../ui/badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatDate, plural } from "../ui/format";
import { AllocationOutcomeBadge } from "./allocation-outcome-badge";

const time = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: "Europe/London" });
const formatTime = (value: Date) => time.format(value);

const columns: Column<AllocationRow>[] = [
  {
    key: "created",
    header: "When",
    className: "whitespace-nowrap",
    cell: (a) => (
      <div>
        <div>{formatDate(a.createdAt)}</div>
        <div className="text-xs tabular-nums text-zinc-500">{formatTime(a.createdAt)}</div>
      </div>
    ),
  },
  {
    key: "customer",
    header: "Customer",
    className: "whitespace-nowrap",
    cell: (a) => (
      <div>
        <Link href={`/customers/${encodeURIComponent(a.customer.id)}`} className="text-indigo-700 hover:underline">
          {a.customer.name}
        </Link>
        <div className="font-mono text-xs text-zinc-500">{a.customer.id}</div>
      </div>
    ),
  },
  {
    key: "treatment",
    header: "Treatment and resource",
    cell: (a) => (
      <div>
        <div>{a.treatment.name}</div>
        <div className="text-xs text-zinc-500">{a.resource.name}</div>
      </div>
    ),
  },
  {
    key: "outcome",
    header: "Outcome",
    cell: (a) => (
      <div>
        <div className="flex flex-wrap gap-1">
          <AllocationOutcomeBadge outcome={a.outcome} />
          {a.units !== 1 ? <Badge tone="neutral">{plural(a.units, "unit")}</Badge> : null}
          {a.usedReserve ? <Badge tone="accent">Reserve</Badge> : null}
        </div>
        <div className="mt-1 text-xs tabular-nums text-zinc-500">
          Priority {a.priority.toFixed(2)}
          {a.isHighValue ? (
            <span title="High-value customer" aria-label="high-value customer">
              {" "}
              ★
            </span>
          ) : null}
        </div>
      </div>
    ),
  },
  { key: "reason", header: "Reason", className: "min-w-40 text-zinc-700", cell: (a) => a.reason },
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
