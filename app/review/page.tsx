import type { Metadata } from "next";
import { connection } from "next/server";
import { ReviewTable } from "@/components/recommendations/review-table";
import { formatNumber } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db";
import { listPendingReviews } from "@/lib/queries/recommendations";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Review" };

export default async function ReviewPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const { page } = parsePageParams(await searchParams);
  const result = await listPendingReviews(db, { page });

  return (
    <>
      <PageHeader
        title="Review queue"
        description={`${formatNumber(result.total)} recommendations waiting for review, oldest first.`}
      />
      <ReviewTable rows={result.rows} />
      {result.total > 0 ? <Pagination {...result} noun="recommendations" basePath="/review" /> : null}
    </>
  );
}
