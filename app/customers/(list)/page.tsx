import type { Metadata } from "next";
import { connection } from "next/server";
import { CustomerFilters } from "@/components/customers/customer-filters";
import { CustomersTable } from "@/components/customers/customers-table";
import { formatNumber, plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db";
import { listCustomers, listCustomerSegments, parseCustomerListQuery } from "@/lib/queries/customers";
import { getSegment, listSegmentChoices } from "@/lib/queries/segments";
import { getPool } from "@/lib/pool";
import type { RawSearchParams } from "@/lib/validations/list-params";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  await requireSignedIn();
  const { q, segment, tier, risk, pending, pattern, saved, sort, dir, page } = parseCustomerListQuery(await searchParams);
  const isPendingOnly = pending === "yes";
  // An id of a segment deleted since the link was made filters nothing rather than failing the page.
  const savedSegment = saved ? ((await getSegment(getPool(), saved)) ?? undefined) : undefined;
  const [result, segments, savedSegments] = await Promise.all([
    listCustomers(db, { search: q, segment, valueTier: tier, risk, hasPending: isPendingOnly, pattern, savedSegment, sort, direction: dir, page }),
    listCustomerSegments(db),
    listSegmentChoices(getPool()),
  ]);
  const isFiltered = Boolean(q || segment || tier || risk || isPendingOnly || pattern || savedSegment);

  return (
    <>
      <PageHeader
        title="Customers"
        description={
          <span data-testid="customers-total">
            {result.isTotalCapped ? `More than ${formatNumber(result.total)} customers` : result.isTotalEstimated ? `About ${plural(result.total, "customer")}` : plural(result.total, "customer")}
            {isFiltered ? (result.total === 1 && !result.isTotalCapped ? " matches" : " match") : ""}
            {result.isTotalCapped ? " (pages go as far as the first " + formatNumber(result.total) + "; narrow the filters to see the rest)" : ""}
          </span>
        }
      />
      <CustomerFilters search={q} segment={segment} tier={tier} risk={risk} isPendingOnly={isPendingOnly} pattern={pattern} savedSegmentId={savedSegment?.id} savedSegments={savedSegments} sort={sort} direction={dir} segments={segments} />
      <CustomersTable rows={result.rows} isFiltered={isFiltered} />
      <Pagination {...result} noun="customer" basePath="/customers" query={{ q, segment, tier, risk, pending, pattern, saved: savedSegment?.id, sort, dir }} />
      <p className="mt-2 text-xs text-zinc-500">Churn score (data) is the latest score in the customer&apos;s journey data; imported customers without one show a dash. The churn risk the agents decide on, which weighs that score with the rest of the journey, is on each customer&apos;s page.</p>
    </>
  );
}
