import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { IMPORT_KIND_NAMES } from "@/components/import/import-batches-table";
import { type Column, DataTable } from "@/components/ui/data-table";
import { DescriptionList } from "@/components/ui/description-list";
import { formatDateTime, formatMoney, formatNumber, humanize } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { type BatchCustomerRow, getImportBatch, listBatchCustomers } from "@/lib/queries/imports";
import { requireSignedIn } from "@/lib/session/actor";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Import batch" };

const customerColumns: Column<BatchCustomerRow>[] = [
  {
    key: "id",
    header: "Customer",
    cell: (c) => (
      <Link href={`/customers/${encodeURIComponent(c.id)}`} className="font-medium text-indigo-700 hover:underline">
        {c.id}
      </Link>
    ),
  },
  { key: "name", header: "Name", cell: (c) => c.name },
  { key: "segment", header: "Segment", cell: (c) => humanize(c.segment) },
  { key: "tier", header: "Value tier", cell: (c) => humanize(c.valueTier) },
  { key: "tenure", header: "Tenure (months)", cell: (c) => formatNumber(c.tenureMonths), align: "right" },
  { key: "revenue", header: "Monthly revenue", cell: (c) => formatMoney(c.monthlyRevenue), align: "right" },
];

export default async function ImportBatchPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<RawSearchParams> }) {
  await connection();
  await requireSignedIn();
  const { id } = await params;
  const batch = await getImportBatch(db, id);
  if (!batch) notFound();
  const { page } = parsePageParams(await searchParams);
  const customers = batch.kind === "customers" ? await listBatchCustomers(db, batch.id, { page }) : null;

  return (
    <>
      <PageHeader
        title={`Import of ${batch.fileName}`}
        description={
          <>
            {IMPORT_KIND_NAMES[batch.kind] ?? batch.kind}, {formatDateTime(batch.createdAt)}, by {batch.importedBy ?? "the command line"}.{" "}
            <Link href="/import" className="text-indigo-700 hover:underline">
              All imports
            </Link>
          </>
        }
      />
      <Section title="Batch">
        <DescriptionList
          testId="import-batch-facts"
          items={[
            { label: "Rows read", value: formatNumber(batch.rowsRead) },
            { label: "Imported", value: formatNumber(batch.rowsImported) },
            { label: "Added", value: batch.inserted === null ? "—" : formatNumber(batch.inserted) },
            { label: "Updated", value: batch.updated === null ? "—" : formatNumber(batch.updated) },
            { label: "Skipped", value: formatNumber(batch.rowsSkipped) },
            { label: "Format", value: batch.format.toUpperCase() },
            { label: "File fingerprint (SHA-256)", value: <span title={batch.fileSha256}>{batch.fileSha256.slice(0, 16)}…</span> },
            { label: "Batch", value: <span title={batch.id}>{batch.id.slice(0, 8)}</span> },
          ]}
        />
      </Section>
      {batch.notes.length > 0 ? (
        <Section title="Notes">
          <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-700" data-testid="import-batch-notes">
            {batch.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </Section>
      ) : null}
      {batch.skipped.length > 0 ? (
        <Section title="Skipped rows">
          <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-700">
            {batch.skipped.map((p) => (
              <li key={`${p.where}:${p.reason}`}>
                <span className="font-medium">{p.where}</span>: {p.reason}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {customers ? (
        <Section title="Customers" description="The customers this batch wrote last (a later import of the same customers takes them over).">
          <DataTable columns={customerColumns} rows={customers.rows} rowKey={(c) => c.id} empty="No customer belongs to this batch any more." caption="Customers of the batch" testId="import-batch-customers" />
          {customers.total > 0 ? <Pagination {...customers} noun="customer" basePath={`/import/${batch.id}`} /> : null}
        </Section>
      ) : null}
    </>
  );
}
