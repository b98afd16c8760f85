import type { Metadata } from "next";
import { connection } from "next/server";
import { CapacityStrip } from "@/components/constraints/capacity-strip";
import { ReviewFilters } from "@/components/recommendations/review-filters";
import { ReviewQueue } from "@/components/recommendations/review-queue";
import { plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listResourceGauges } from "@/lib/queries/constraints";
import { listPendingReviews, listReviewFilterOptions } from "@/lib/queries/recommendations";
import { requireSignedIn } from "@/lib/session/actor";
import type { RawSearchParams } from "@/lib/validations/list-params";
import { parseReviewListParams, reviewQuery, toReviewFilter } from "@/lib/validations/review";

export const metadata: Metadata = { title: "Review" };

export default async function ReviewPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const actor = await requireSignedIn();
  const params = parseReviewListParams(await searchParams);
  const [result, options, resources] = await Promise.all([
    listPendingReviews(db, { page: params.page, filters: toReviewFilter(params), sort: params.sort, dir: params.dir }),
    listReviewFilterOptions(db),
    listResourceGauges(db),
  ]);
  // The capacity the filtered queue draws on comes first; it follows the URL, so it stays put while rows are reviewed away.
  const treatmentResource = options.treatments.find((t) => t.key === params.treatment)?.resourceKey;
  const focusKeys = [params.resource, treatmentResource].filter((key): key is string => Boolean(key));

  return (
    <>
      <PageHeader
        title="Review queue"
        description={
          <span data-testid="review-total">
            {plural(result.total, "recommendation")} waiting for review, oldest first. Approving confirms the
            capacity a recommendation holds; rejecting gives it back.
          </span>
        }
      />
      <ReviewFilters params={params} options={options} />
      <CapacityStrip initial={{ resources, asOf: new Date().toISOString() }} focusKeys={focusKeys} />
      <ReviewQueue
        rows={result.rows}
        canReview={can(actor.role, "recommendations.review")}
        resourceNames={Object.fromEntries(options.resources.map((r) => [r.key, r.name]))}
      />
      {result.total > 0 ? <Pagination {...result} noun="recommendation" basePath="/review" query={reviewQuery(params)} /> : null}
    </>
  );
}
