import Link from "next/link";
import type { ReviewQueueRow } from "@/lib/queries/recommendations";
import { ValueTierBadge } from "../customers/value-tier-badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatDateTime, formatMoney, formatPercent } from "../ui/format";
import { PolicyBadge } from "./policy-badge";

const columns: Column<ReviewQueueRow>[] = [
  {
    key: "customer",
    header: "Customer",
    className: "whitespace-nowrap",
    cell: (r) => (
      <div>
        <Link href={`/customers/${encodeURIComponent(r.customer.id)}`} className="font-medium text-indigo-700 hover:underline">
          {r.customer.name}
        </Link>
        <div className="mt-0.5 flex items-center gap-2 text-xs text-zinc-500">
          <span className="font-mono">{r.customer.id}</span>
          <ValueTierBadge tier={r.customer.valueTier} />
        </div>
      </div>
    ),
  },
  {
    key: "treatment",
    header: "Treatment",
    className: "whitespace-nowrap",
    cell: (r) => (r.treatment ? r.treatment.name : <span className="text-zinc-500">No action</span>),
  },
  { key: "policy", header: "Policy", cell: (r) => <PolicyBadge policy={r.policy} /> },
  { key: "confidence", header: "Confidence", align: "right", cell: (r) => formatPercent(r.confidence) },
  { key: "value", header: "Expected value", align: "right", className: "whitespace-nowrap", cell: (r) => formatMoney(r.expectedValue) },
  { key: "rationale", header: "Rationale", className: "min-w-72 max-w-md text-zinc-700", cell: (r) => r.rationaleExcerpt },
  { key: "created", header: "Created", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.createdAt) },
];

export function ReviewTable({ rows }: { rows: ReviewQueueRow[] }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(r) => r.id}
      caption="Recommendations waiting for review"
      testId="review-table"
      rowTestId="review-row"
      empty={
        <span data-testid="review-empty">
          No recommendations waiting for review. Start a run from{" "}
          <Link href="/runs" className="font-medium text-indigo-700 hover:underline">
            Runs
          </Link>
          .
        </span>
      }
    />
  );
}
