import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { CapacityStrip } from "@/components/constraints/capacity-strip";
import { ReviewFilters } from "@/components/recommendations/review-filters";
import { ReviewQueue } from "@/components/recommendations/review-queue";
import { plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listReviewReasons } from "@/lib/pipeline/review/reasons";
import { getEnv } from "@/lib/env";
import { getPool } from "@/lib/pool";
import { listResourceGauges } from "@/lib/queries/constraints";
import { listPendingReviews, listReviewFilterOptions } from "@/lib/queries/recommendations";
import { listSegmentChoices } from "@/lib/queries/segments";
import { requireSignedIn } from "@/lib/session/actor";
import type { RawSearchParams } from "@/lib/validations/list-params";
import { parseReviewListParams, reviewQuery, toReviewFilter } from "@/lib/validations/review";

export const metadata: Metadata = { title: "Review" };

const SORT_WORDS: Record<string, string> = {
  created: "oldest first",
  value: "by expected value",
  confidence: "by confidence",
  risk: "by churn risk",
  tier: "by value tier",
  treatment: "by treatment",
  name: "by customer name",
  id: "by customer id",
};

export default async function ReviewPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const actor = await requireSignedIn();
  const params = parseReviewListParams(await searchParams);
  const filter = toReviewFilter(params);
  const [result, options, resources, reasons, savedSegments] = await Promise.all([
    listPendingReviews(db, { page: params.page, filters: filter, sort: params.sort, dir: params.dir }),
    listReviewFilterOptions(db),
    listResourceGauges(db),
    listReviewReasons(getPool()),
    listSegmentChoices(getPool()),
  ]);
  // The capacity the filtered queue draws on comes first; it follows the URL, so it stays put while rows are reviewed away.
  const treatmentResource = options.treatments.find((t) => t.key === params.treatment)?.resourceKey;
  const focusKeys = [params.resource, treatmentResource].filter((key): key is string => Boolean(key));
  const order = params.sort === "created" ? (params.dir === "asc" ? "oldest first" : "newest first") : `${SORT_WORDS[params.sort]}, ${params.dir === "asc" ? "lowest first" : "highest first"}`;
  const reasonOptions = (kind: "reject" | "override") => reasons.filter((r) => r.kind === kind).map((r) => ({ code: r.code, label: r.label }));

  return (
    <>
      <PageHeader
        title="Review queue"
        description={
          <span data-testid="review-total">
            {plural(result.total, "recommendation")} waiting for review, {order}. Approving confirms the capacity a recommendation holds; rejecting
            gives it back.
          </span>
        }
      />
      <nav aria-label="Review" className="mb-3 flex gap-4 text-sm">
        <Link href="/review/history" className="font-medium text-indigo-700 hover:underline">
          Review history and reasons
        </Link>
        {can(actor.role, "catalog.manage") ? (
          <Link href="/review/reasons" className="font-medium text-indigo-700 hover:underline">
            Reason codes
          </Link>
        ) : null}
        <a href={`/api/export/review-queue?${new URLSearchParams(Object.entries(reviewQuery(params)).filter((e): e is [string, string] => Boolean(e[1])))}`} download className="ml-auto font-medium text-indigo-700 hover:underline" data-testid="export-csv">Export CSV of the filtered queue</a>
      </nav>
      <ReviewFilters params={params} options={options} savedSegments={savedSegments} />
      <CapacityStrip initial={{ resources, asOf: new Date().toISOString() }} focusKeys={focusKeys} />
      <ReviewQueue
        // A new filter or order is a new selection: nothing selected carries over to rows it no longer shows.
        key={`${JSON.stringify(reviewQuery(params))}:${result.page}`}
        rows={result.rows}
        matchingTotal={result.total}
        filter={filter}
        canReview={can(actor.role, "recommendations.review")}
        resourceNames={Object.fromEntries(options.resources.map((r) => [r.key, r.name]))}
        reasons={{ reject: reasonOptions("reject"), override: reasonOptions("override") }}
        undoMinutes={getEnv().REVIEW_UNDO_MINUTES}
      />
      {result.total > 0 ? <Pagination {...result} noun="recommendation" basePath="/review" query={reviewQuery(params)} /> : null}
    </>
  );
}
