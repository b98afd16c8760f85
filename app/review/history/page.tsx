import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { type Column, DataTable } from "@/components/ui/data-table";
import { formatDateTime, formatMoney, formatNumber, humanize } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { type ReviewHistoryRow, type ReviewReasonCount, countReviewsByReason, listReviewHistory } from "@/lib/queries/recommendations";
import { requireSignedIn } from "@/lib/session/actor";
import { type RawSearchParams, parsePageParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Review history" };

const REASON_WINDOW_DAYS = 30;

const countColumns: Column<ReviewReasonCount>[] = [
  { key: "status", header: "Review", cell: (r) => humanize(r.status) },
  { key: "label", header: "Reason", cell: (r) => <span title={r.code}>{r.label}</span> },
  { key: "count", header: "Reviews", align: "right", cell: (r) => formatNumber(r.count), className: "tabular-nums" },
];

const historyColumns: Column<ReviewHistoryRow>[] = [
  { key: "when", header: "Reviewed", cell: (r) => formatDateTime(r.reviewedAt), className: "whitespace-nowrap" },
  {
    key: "customer",
    header: "Customer",
    cell: (r) => (
      <Link href={`/customers/${encodeURIComponent(r.customer.id)}`} className="font-medium text-indigo-700 hover:underline">
        {r.customer.name}
      </Link>
    ),
  },
  { key: "status", header: "Decision", cell: (r) => humanize(r.status) },
  { key: "treatment", header: "Treatment", cell: (r) => (r.treatment?.name ?? "No action") + (r.overriddenFrom ? ` (was ${r.overriddenFrom})` : "") },
  { key: "value", header: "Expected value", align: "right", cell: (r) => formatMoney(r.expectedValue), className: "tabular-nums" },
  { key: "reviewer", header: "By", cell: (r) => r.reviewerName ?? "—" },
  { key: "reason", header: "Reason", cell: (r) => (r.reasonCode ? <span data-testid="history-reason">{r.reason ?? r.reasonCode}</span> : "—") },
];

function reasonWindowStart(): Date {
  return new Date(Date.now() - REASON_WINDOW_DAYS * 86_400_000);
}

/** What reviewers decided and why: rejections and overrides counted by reason code, then every review, newest first. */
export default async function ReviewHistoryPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  await requireSignedIn();
  const { page } = parsePageParams(await searchParams);
  const [counts, history] = await Promise.all([countReviewsByReason(db, { since: reasonWindowStart() }), listReviewHistory(db, { page })]);
  return (
    <>
      <PageHeader title="Review history" description={<>Approvals, rejections and overrides, newest first. <Link href="/review" className="text-indigo-700 hover:underline">Back to the queue</Link></>} />
      <Section title={`Reasons in the last ${REASON_WINDOW_DAYS} days`} testId="reason-counts">
        <DataTable columns={countColumns} rows={counts} rowKey={(r) => `${r.status}:${r.code}`} empty="No rejections or overrides yet." caption="Rejections and overrides by reason" rowTestId="reason-count" />
      </Section>
      <Section title="Reviews" testId="review-history">
        <DataTable columns={historyColumns} rows={history.rows} rowKey={(r) => r.id} empty="Nothing reviewed yet." caption="Reviewed recommendations" rowTestId="history-row" />
        {history.total > 0 ? <Pagination {...history} noun="review" basePath="/review/history" /> : null}
      </Section>
    </>
  );
}
