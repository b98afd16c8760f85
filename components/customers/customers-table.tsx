import Link from "next/link";
import type { ReactNode } from "react";
import type { CustomerListItem, RiskBand } from "@/lib/queries/customers";
import { Badge, type BadgeTone } from "../ui/badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatMoney, formatPercent, formatTenure, humanize } from "../ui/format";
import { ValueTierBadge } from "./value-tier-badge";

const linkClass = "font-medium text-indigo-700 hover:underline";

const RISK_TONES: Record<RiskBand, BadgeTone> = { low: "success", medium: "warning", high: "danger" };

/** A cell's main value with a smaller detail under it, so related columns share one. */
function WithDetail({ children, detail, isMono = false }: { children: ReactNode; detail: ReactNode; isMono?: boolean }) {
  return (
    <>
      <div>{children}</div>
      <div className={`text-xs text-zinc-500 ${isMono ? "font-mono" : ""}`}>{detail}</div>
    </>
  );
}

const columns: Column<CustomerListItem>[] = [
  {
    key: "customer",
    header: "Customer",
    className: "whitespace-nowrap",
    cell: (c) => (
      <WithDetail detail={c.id} isMono>
        <Link href={`/customers/${encodeURIComponent(c.id)}`} className={linkClass} data-testid="customer-link">
          {c.name}
        </Link>
      </WithDetail>
    ),
  },
  {
    key: "segment",
    header: "Segment and plan",
    cell: (c) => <WithDetail detail={c.plan}>{humanize(c.segment)}</WithDetail>,
  },
  { key: "tier", header: "Value tier", cell: (c) => <ValueTierBadge tier={c.valueTier} /> },
  {
    key: "risk",
    header: "Churn score (data)",
    className: "whitespace-nowrap",
    cell: (c) =>
      c.riskBand && c.churnScore !== null ? (
        <span data-testid="customer-risk" data-band={c.riskBand}>
          <Badge tone={RISK_TONES[c.riskBand]}>
            {c.riskBand.charAt(0).toUpperCase() + c.riskBand.slice(1)} · {formatPercent(c.churnScore)}
          </Badge>
        </span>
      ) : (
        <span className="text-zinc-400" title="No churn score in this customer's data">
          —
        </span>
      ),
  },
  {
    key: "pending",
    header: "Review",
    cell: (c) =>
      c.hasPendingReview ? (
        <Link href={`/customers/${encodeURIComponent(c.id)}`} className="whitespace-nowrap text-xs font-medium text-amber-800 hover:underline" data-testid="customer-pending">
          Pending
        </Link>
      ) : null,
  },
  { key: "tenure", header: "Tenure", align: "right", className: "whitespace-nowrap", cell: (c) => formatTenure(c.tenureMonths) },
  { key: "revenue", header: "Per month", align: "right", className: "whitespace-nowrap", cell: (c) => formatMoney(c.monthlyRevenue) },
  {
    key: "region",
    header: "Region",
    cell: (c) => <WithDetail detail={c.language}>{c.region}</WithDetail>,
  },
];

export function CustomersTable({ rows, isFiltered }: { rows: CustomerListItem[]; isFiltered: boolean }) {
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
