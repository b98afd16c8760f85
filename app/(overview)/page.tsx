import Link from "next/link";
import { connection } from "next/server";
import { AllocationsPerDayChart, RunOutcomesChart, TreatmentMixChart } from "@/components/overview/overview-charts";
import { RunsTable } from "@/components/runs/runs-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatMoney, formatNumber, humanize, plural } from "@/components/ui/format";
import { Meter } from "@/components/ui/meter";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { StatCard } from "@/components/ui/stat-card";
import { db } from "@/lib/db";
import { BUSINESS_TIME_ZONE, TREATMENT_MIX_DAYS, getOverview } from "@/lib/queries/overview";
import { requireSignedIn } from "@/lib/session/actor";

const dayLabel = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const runLabel = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: BUSINESS_TIME_ZONE });
const linkClass = "text-sm font-medium text-indigo-700 hover:underline";

export default async function OverviewPage() {
  await connection();
  await requireSignedIn();
  const { kpis, resources, treatmentMix, allocationsPerDay, runOutcomes, recentRuns } = await getOverview(db);

  return (
    <>
      <PageHeader title="Overview" description="Customers, decisions waiting for review, capacity and recent runs at a glance." />

      <div className="mb-8 grid grid-cols-2 gap-4 xl:grid-cols-4">
        <StatCard label="Customers" value={formatNumber(kpis.customers)} hint={<Link href="/customers" className="text-indigo-700 hover:underline">Browse customers</Link>} testId="kpi-customers" />
        <StatCard
          label="Pending review"
          value={formatNumber(kpis.pendingReviews)}
          hint={<Link href="/review" className="text-indigo-700 hover:underline">Open the review queue</Link>}
          testId="kpi-pending-reviews"
        />
        <StatCard label="Approved today" value={formatNumber(kpis.approvedToday)} hint="Approved or overridden since midnight (UK time)" testId="kpi-approved-today" />
        <StatCard
          label="Expected value of approved treatments"
          value={formatMoney(kpis.approvedExpectedValue)}
          hint={`Lifetime-value change net of cost, ${plural(kpis.approvedTotal, "approved decision")}`}
          testId="kpi-approved-value"
        />
      </div>

      <Section
        title="Capacity"
        description="Committed units (held and confirmed) against each limit for the current period."
        actions={<Link href="/constraints" className={linkClass}>Manage constraints</Link>}
        testId="overview-capacity"
      >
        {resources.length === 0 ? (
          <EmptyState title="No capacity resources are defined." />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {resources.map((r) => (
              <li key={r.key} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="capacity-card" data-resource={r.key}>
                <div className="mb-2 flex items-baseline justify-between gap-2">
                  <span className="font-medium text-zinc-900">{r.name}</span>
                  <span className="whitespace-nowrap text-sm tabular-nums text-zinc-700" data-testid="capacity-used">
                    {formatNumber(r.used)} / {formatNumber(r.limit)}
                  </span>
                </div>
                <Meter used={r.used} held={r.held} limit={r.limit} label={`${r.name} used`} />
                <p className="mt-2 text-xs text-zinc-500">
                  {r.limit > 0 ? `${Math.round((r.used / r.limit) * 100)}% used` : "No capacity"} · {formatNumber(r.held)} held awaiting review · per{" "}
                  {humanize(r.period).toLowerCase()}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Activity" testId="overview-charts">
        <div className="grid gap-4 xl:grid-cols-2">
          <TreatmentMixChart data={treatmentMix.map((t) => ({ name: t.name, count: t.count }))} days={TREATMENT_MIX_DAYS} />
          <AllocationsPerDayChart
            data={allocationsPerDay.map(({ day, ...counts }) => ({ label: dayLabel.format(new Date(`${day}T00:00:00Z`)), ...counts }))}
          />
          <div className="xl:col-span-2">
            <RunOutcomesChart data={runOutcomes.map(({ runId: _id, createdAt, status: _status, ...counts }) => ({ label: runLabel.format(createdAt), ...counts }))} />
          </div>
        </div>
      </Section>

      <Section title="Recent runs" actions={<Link href="/runs" className={linkClass}>All runs</Link>}>
        <RunsTable rows={recentRuns} testId="recent-runs-table" isCompact />
      </Section>
    </>
  );
}
