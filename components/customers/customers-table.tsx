import Link from "next/link";
import type { CustomerListRow } from "@/lib/queries/customers";
import { DataTable, type Column } from "../ui/data-table";
import { formatMoney, formatTenure } from "../ui/format";
import { ValueTierBadge } from "./value-tier-badge";

const linkClass = "font-medium text-indigo-700 hover:underline";

const columns: Column<CustomerListRow>[] = [
  {
    key: "id",
    header: "Id",
    className: "whitespace-nowrap font-mono text-xs",
    cell: (c) => (
      <Link href={`/customers/${encodeURIComponent(c.id)}`} className={linkClass}>
        {c.id}
      </Link>
    ),
  },
  {
    key: "name",
    header: "Name",
    className: "whitespace-nowrap",
    cell: (c) => (
      <Link href={`/customers/${encodeURIComponent(c.id)}`} className={linkClass} data-testid="customer-link">
        {c.name}
      </Link>
    ),
  },
  { key: "segment", header: "Segment", cell: (c) => c.segment },
  { key: "plan", header: "Plan", cell: (c) => c.plan },
  { key: "tier", header: "Value tier", cell: (c) => <ValueTierBadge tier={c.valueTier} /> },
  { key: "tenure", header: "Tenure", align: "right", className: "whitespace-nowrap", cell: (c) => formatTenure(c.tenureMonths) },
  { key: "revenue", header: "Monthly revenue", align: "right", cell: (c) => formatMoney(c.monthlyRevenue) },
  { key: "region", header: "Region", cell: (c) => c.region },
  { key: "language", header: "Language", cell: (c) => c.language },
];

export function CustomersTable({ rows, isFiltered }: { rows: CustomerListRow[]; isFiltered: boolean }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(c) => c.id}
      caption="Customers"
      testId="customers-table"
      rowTestId="customer-row"
      empty={isFiltered ? "No customers match these filters." : "No customers yet. Load the demo data or import a file."}
    />
  );
}
