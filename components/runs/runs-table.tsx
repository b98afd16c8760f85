import Link from "next/link";
import type { RunRow } from "@/lib/queries/runs";
import { PolicyBadge } from "../recommendations/policy-badge";
import { DataTable, type Column } from "../ui/data-table";
import { formatDateTime, formatNumber } from "../ui/format";
import { RunStatusBadge } from "./run-status-badge";

const columns: Column<RunRow>[] = [
  { key: "created", header: "Created", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.createdAt) },
  { key: "status", header: "Status", cell: (r) => <RunStatusBadge status={r.status} /> },
  { key: "policy", header: "Policy", cell: (r) => <PolicyBadge policy={r.policy} /> },
  {
    key: "progress",
    header: "Processed",
    align: "right",
    className: "whitespace-nowrap",
    cell: (r) => `${formatNumber(r.processed)} / ${formatNumber(r.total)}`,
  },
  {
    key: "failed",
    header: "Failed",
    align: "right",
    cell: (r) => (r.failed > 0 ? <span className="font-medium text-red-700">{formatNumber(r.failed)}</span> : "0"),
  },
  { key: "by", header: "Requested by", className: "whitespace-nowrap", cell: (r) => r.requestedBy ?? "—" },
  { key: "finished", header: "Finished", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.finishedAt) },
];

// The compact table (the overview's recent runs) leaves out who asked and when it finished.
const compactColumns = columns.filter((c) => c.key !== "by" && c.key !== "finished");

type RunsTableProps = { rows: RunRow[]; testId?: string; isCompact?: boolean };

export function RunsTable({ rows, testId = "runs-table", isCompact = false }: RunsTableProps) {
  return (
    <DataTable
      columns={isCompact ? compactColumns : columns}
      rows={rows}
      rowKey={(r) => r.id}
      caption="Runs"
      testId={testId}
      rowTestId="run-row"
      empty={<>No runs yet. <Link href="/runs" className="font-medium text-indigo-700 hover:underline">Start one</Link>.</>}
    />
  );
}
