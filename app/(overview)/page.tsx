import Link from "next/link";
import { connection } from "next/server";
import { RunsTable } from "@/components/runs/runs-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatNumber, humanize } from "@/components/ui/format";
import { Meter } from "@/components/ui/meter";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { StatCard } from "@/components/ui/stat-card";
import { db } from "@/lib/db";
import { getOverview } from "@/lib/queries/overview";

export default async function OverviewPage() {
  await connection();
  const { counts, resources, recentRuns } = await getOverview(db);

  return (
    <>
      <PageHeader title="Overview" description="Customers, decisions waiting for review and capacity at a glance." />

      <div className="mb-8 grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-5">
        <StatCard label="Customers" value={formatNumber(counts.customers)} testId="kpi-customers" />
        <StatCard label="Journey events" value={formatNumber(counts.journeyEvents)} testId="kpi-journey-events" />
        <StatCard
          label="Pending review"
          value={formatNumber(counts.pendingReviews)}
          hint={<Link href="/review" className="text-indigo-700 hover:underline">Open the review queue</Link>}
          testId="kpi-pending-reviews"
        />
        <StatCard label="Approved" value={formatNumber(counts.approved)} testId="kpi-approved" />
        <StatCard label="Runs" value={formatNumber(counts.runs)} testId="kpi-runs" />
      </div>

      <Section
        title="Capacity"
        description="Committed units (held and confirmed) against each limit for the current period."
        actions={<Link href="/constraints" className="text-sm font-medium text-indigo-700 hover:underline">Manage constraints</Link>}
        testId="overview-capacity"
      >
        {resources.length === 0 ? (
          <EmptyState title="No capacity resources are defined." />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {resources.map((r) => (
              <li key={r.key} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="capacity-card">
                <div className="mb-2 flex items-baseline justify-between gap-2">
                  <span className="font-medium text-zinc-900">{r.name}</span>
                  <span className="whitespace-nowrap text-sm tabular-nums text-zinc-700" data-testid="capacity-used">
                    {formatNumber(r.used)} / {formatNumber(r.limit)}
                  </span>
                </div>
                <Meter used={r.used} held={r.held} limit={r.limit} label={`${r.name} used`} />
                <p className="mt-2 text-xs text-zinc-500">
                  {formatNumber(r.held)} held awaiting review · per {humanize(r.period).toLowerCase()}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section
        title="Recent runs"
        actions={<Link href="/runs" className="text-sm font-medium text-indigo-700 hover:underline">All runs</Link>}
      >
        <RunsTable rows={recentRuns} testId="recent-runs-table" />
      </Section>
    </>
  );
}
