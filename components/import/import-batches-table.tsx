import Link from "next/link";
import type { ImportBatchRow } from "@/lib/queries/imports";
import { type Column, DataTable } from "../ui/data-table";
import { formatDateTime, formatNumber } from "../ui/format";

export const IMPORT_KIND_NAMES: Record<string, string> = { customers: "Customers", events: "Journey events", permissions: "Contact permissions" };

const columns: Column<ImportBatchRow>[] = [
  { key: "when", header: "When", cell: (b) => formatDateTime(b.createdAt), className: "whitespace-nowrap" },
  {
    key: "file",
    header: "File",
    cell: (b) => (
      <Link href={`/import/${b.id}`} className="font-medium text-indigo-700 hover:underline" data-testid="import-batch-link">
        {b.fileName}
      </Link>
    ),
  },
  { key: "kind", header: "Kind", cell: (b) => IMPORT_KIND_NAMES[b.kind] ?? b.kind },
  { key: "read", header: "Rows read", cell: (b) => formatNumber(b.rowsRead), align: "right" },
  { key: "imported", header: "Imported", cell: (b) => formatNumber(b.rowsImported), align: "right" },
  { key: "skipped", header: "Skipped", cell: (b) => formatNumber(b.rowsSkipped), align: "right" },
  { key: "by", header: "By", cell: (b) => b.importedBy ?? "Command line" },
];

/** Import batches, newest first; each links to its details and its customers. */
export function ImportBatchesTable({ rows }: { rows: ImportBatchRow[] }) {
  return <DataTable columns={columns} rows={rows} rowKey={(b) => b.id} empty="Nothing has been imported yet." caption="Import batches" testId="import-batches" rowTestId="import-batch-row" />;
}
