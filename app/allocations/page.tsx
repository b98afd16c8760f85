import type { Metadata } from "next";
import { connection } from "next/server";
import { AllocationCharts } from "@/components/allocations/allocation-charts";
import { AllocationFilters } from "@/components/allocations/allocation-filters";
import { AllocationsTable } from "@/components/allocations/allocations-table";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Section } from "@/components/ui/section";
import { secondaryButtonClass } from "@/components/ui/form-controls";
import { db } from "@/lib/db";
import { exportHref } from "@/lib/export/href";
import { type AllocationFilters as Filters, getAllocationSeries, listAllocationFilterOptions, listAllocations } from "@/lib/queries/allocations";
import { parseAllocationListParams } from "@/lib/validations/allocations";
import type { RawSearchParams } from "@/lib/validations/list-params";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Allocations" };

export default async function AllocationsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  await requireSignedIn();
  const params = parseAllocationListParams(await searchParams);
  const filters: Filters = { resourceKey: params.resource, treatmentKey: params.treatment, outcome: params.outcome, from: params.from, to: params.to };
  const [result, series, options] = await Promise.all([
    listAllocations(db, { page: params.page, filters }),
    getAllocationSeries(db, filters),
    listAllocationFilterOptions(db),
  ]);
  const query = { resource: params.resource, treatment: params.treatment, outcome: params.outcome, from: params.from, to: params.to };

  return (
    <>
      <PageHeader
        title="Allocation history"
        description="Every attempt to take or give back capacity, newest first: who got what, who was denied, and why."
      />
      <AllocationFilters {...query} resources={options.resources} treatments={options.treatments} />
      {params.problems.length > 0 ? (
        <div role="alert" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="filter-problems">
          {params.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      ) : null}
      <Section
        title={series.bucket === "hour" ? "Per hour" : "Per day"}
        description="Counts of attempts by outcome; the resource and treatment filters and the date range apply (by the hour over one or two days)."
      >
        <AllocationCharts series={series} resources={options.resources} initialResource={params.resource} />
      </Section>
      <Section
        title="Attempts"
        testId="allocation-history"
        actions={
          // A plain link: the file streams straight to the browser's downloads, every page of the filtered history.
          <a href={exportHref("/api/export/allocations", query)} download className={secondaryButtonClass} data-testid="export-csv">
            Export CSV ({result.total.toLocaleString("en-GB")})
          </a>
        }
      >
        <AllocationsTable rows={result.rows} isFiltered={Object.values(query).some(Boolean)} />
        {result.total > 0 ? <Pagination {...result} noun="allocation" basePath="/allocations" query={query} /> : null}
      </Section>
    </>
  );
}
