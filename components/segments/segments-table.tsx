import Link from "next/link";
import type { SegmentListItem } from "@/lib/queries/segments";
import { Badge } from "../ui/badge";
import { DataTable } from "../ui/data-table";
import { formatNumber, formatPercent } from "../ui/format";
import { SegmentRowActions } from "./segment-row-actions";
import { TrendSparkline } from "./trend-sparkline";

export function SegmentsTable({ segments, canManage }: { segments: SegmentListItem[]; canManage: boolean }) {
  return (
    <DataTable
      testId="segments-table"
      rowTestId="segment-row"
      caption="Saved segments"
      rows={segments}
      rowKey={(s) => s.id}
      empty="No saved segments yet."
      columns={[
        {
          key: "name",
          header: "Segment",
          cell: (s) => (
            <div>
              <div className="font-medium text-zinc-900">{s.name}</div>
              <div className="text-xs text-zinc-600" data-testid="segment-profile">
                {s.description}
              </div>
            </div>
          ),
        },
        { key: "kind", header: "Kind", cell: (s) => <Badge tone={s.kind === "found" ? "info" : "neutral"}>{s.kind === "found" ? "Found" : "Rule"}</Badge> },
        { key: "size", header: "Customers", align: "right", cell: (s) => <span data-testid="segment-size">{formatNumber(s.size)}</span> },
        { key: "risk", header: "Churn risk", align: "right", cell: (s) => (s.churnRisk === null ? "—" : formatPercent(s.churnRisk)) },
        { key: "trend", header: "Trend (30 days)", cell: (s) => <TrendSparkline points={s.trend} /> },
        {
          key: "actions",
          header: <span className="sr-only">Actions</span>,
          align: "right",
          cell: (s) => (
            <div className="flex items-start justify-end gap-2">
              <Link href={`/customers?saved=${s.id}`} className="whitespace-nowrap pt-1.5 text-sm text-indigo-700 hover:underline">
                Customers
              </Link>
              {canManage ? <SegmentRowActions id={s.id} name={s.name} isRule={s.kind === "rule"} /> : null}
            </div>
          ),
        },
      ]}
    />
  );
}
