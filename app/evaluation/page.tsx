import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ExperimentsSection } from "@/components/evaluation/experiments-section";
import { LiftChart } from "@/components/evaluation/lift-chart";
import { ValueChart } from "@/components/evaluation/value-chart";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import type { Horizon } from "@/lib/agents/evaluation/messages";
import { db } from "@/lib/db";
import { type GroupLift, evaluateTreatments } from "@/lib/queries/evaluation";
import { listExperimentSummaries } from "@/lib/queries/experiments";
import { getPool } from "@/lib/pool";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Evaluation" };

const percent = (x: number) => `${Math.round(x * 100)}%`;
const pounds = (x: number) => x.toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });

const chartData = (lifts: GroupLift[]) =>
  lifts.flatMap((l) => (l.isMeasured ? [{ name: l.name, lift: l.evaluation.absoluteLift * 100, low: l.evaluation.absoluteInterval.low * 100, high: l.evaluation.absoluteInterval.high * 100 }] : []));

/** A sentence per group: the lift with its interval when measured, else what it still needs. */
function Sentences({ lifts, testId }: { lifts: GroupLift[]; testId: string }) {
  return (
    <ul className="space-y-1 text-sm text-zinc-800" data-testid={testId}>
      {lifts.map((l) => (
        <li key={l.key}>{l.isMeasured ? l.evaluation.sentence : <span className="text-zinc-600">{`${l.name}: not measured yet. ${l.reason}`}</span>}</li>
      ))}
    </ul>
  );
}

function GroupSection({ title, description, lifts, testId }: { title: string; description: string; lifts: GroupLift[]; testId: string }) {
  const data = chartData(lifts);
  return (
    <Section title={title} description={description} testId={testId}>
      <div className="space-y-3">
        {data.length > 0 ? <LiftChart data={data} title={`Lift in retention per ${title.toLowerCase().replace(/^per /, "")}`} testId={`${testId}-chart`} /> : null}
        <Sentences lifts={lifts} testId={`${testId}-sentences`} />
      </div>
    </Section>
  );
}

export default async function EvaluationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireSignedIn();
  const horizon: Horizon = (await searchParams).horizon === "30d" ? "30d" : "90d";
  const now = new Date();
  const [overview, experiments] = await Promise.all([evaluateTreatments(db, { horizon }), listExperimentSummaries(getPool())]);
  const measured = overview.lifts.filter((l) => l.isMeasured);
  const days = horizon === "90d" ? "90" : "30";

  return (
    <>
      <PageHeader
        title="Evaluation"
        description={`What treatments did for retention at ${days} days, measured against the customers held out from them: ${overview.treatedCount.toLocaleString("en-GB")} treated and ${overview.heldOutCount.toLocaleString("en-GB")} held-out outcomes.`}
      />
      <nav aria-label="Horizon" className="mb-4 flex gap-2 text-sm" data-testid="evaluation-horizon">
        {(["30d", "90d"] as const).map((h) => (
          <Link
            key={h}
            href={h === "90d" ? "/evaluation" : "/evaluation?horizon=30d"}
            aria-current={h === horizon ? "page" : undefined}
            className={`rounded-md px-3 py-1 ring-1 ring-inset ${h === horizon ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-zinc-700 ring-zinc-200 hover:bg-zinc-50"}`}
          >
            Stayed {h === "90d" ? "90" : "30"} days
          </Link>
        ))}
      </nav>
      <p className="mb-6 rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-900 shadow-sm" data-testid="evaluation-overall">
        {overview.overall.isMeasured ? overview.overall.evaluation.sentence : `All treatments: not measured yet. ${overview.overall.reason}`}
      </p>
      {measured.length === 0 ? (
        <EmptyState title="No treatment can be measured yet" testId="evaluation-empty">
          Lift needs outcomes of approved decisions and of customers held out from the same treatment. Import them with npm run outcomes:import, send them from another system (Integrations), or in the demo draw them with npm run outcomes:simulate.
        </EmptyState>
      ) : (
        <div className="grid gap-6 xl:grid-cols-2">
          <div className="space-y-3">
            <LiftChart data={chartData(measured)} />
          </div>
          {overview.cumulative.length > 0 ? <ValueChart data={overview.cumulative} /> : null}
        </div>
      )}
      <div className="mt-6">
        <Sentences lifts={overview.lifts} testId="evaluation-sentences" />
      </div>
      <div className="mt-8 space-y-8">
        <GroupSection
          title="Strategy against strategy"
          description="Each strategy's treated customers against the customers it held out: the policy that decided, or the champion/challenger arm."
          lifts={overview.strategies}
          testId="evaluation-strategies"
        />
        <ExperimentsSection experiments={experiments} now={now} treatmentNames={Object.fromEntries(overview.lifts.map((l) => [l.treatmentKey, l.name]))} />
        <GroupSection title="Per segment" description="Every treatment in a segment against that segment's held-out customers." lifts={overview.segments} testId="evaluation-segments" />
        <Section title="Lift per treatment" description="Incremental value counts each customer kept at the treated customers' mean lifetime value." testId="evaluation-lifts">
          <DataTable
            rows={overview.lifts}
            rowKey={(l) => l.treatmentKey}
            empty="No treatments in the catalog."
            caption="Lift per treatment"
            columns={[
              { key: "name", header: "Treatment", cell: (l) => l.name },
              { key: "treated", header: "Treated", align: "right", cell: (l) => (l.isMeasured ? l.evaluation.treatedCount : l.treatedCount).toLocaleString("en-GB") },
              { key: "control", header: "Held out", align: "right", cell: (l) => (l.isMeasured ? l.evaluation.controlCount : l.controlCount).toLocaleString("en-GB") },
              { key: "retention", header: "Retention", align: "right", cell: (l) => (l.isMeasured ? `${percent(l.evaluation.treatedRate)} vs ${percent(l.evaluation.controlRate)}` : "—") },
              { key: "value", header: "Incremental value", align: "right", cell: (l) => (l.isMeasured && l.valuePerRetainedGbp !== null ? pounds(l.evaluation.incrementalValueGbp) : "—") },
              {
                key: "status",
                header: "Evidence",
                cell: (l) =>
                  !l.isMeasured
                    ? "Not measured yet"
                    : l.evaluation.power.status === "significant"
                      ? "Significant"
                      : l.evaluation.power.status === "needs_more"
                        ? `Needs ${(l.evaluation.power.treated + l.evaluation.power.control).toLocaleString("en-GB")} more outcomes (${l.evaluation.power.treated.toLocaleString("en-GB")} treated, ${l.evaluation.power.control.toLocaleString("en-GB")} held out)`
                        : "No difference seen",
              },
            ]}
          />
        </Section>
        <Section title="Learned effects" description="Each effect is pulled towards the catalog's until its outcomes outweigh it." testId="evaluation-effects">
          <DataTable
            rows={overview.effects}
            rowKey={(e) => e.treatmentKey}
            empty="No treatments in the catalog."
            caption="Learned effects"
            columns={[
              { key: "treatment", header: "Treatment", cell: (e) => overview.lifts.find((l) => l.treatmentKey === e.treatmentKey)?.name ?? e.treatmentKey },
              { key: "catalog", header: "Catalog", align: "right", cell: (e) => percent(e.catalogEffect) },
              { key: "learned", header: "Learned", align: "right", cell: (e) => percent(e.learnedEffect) },
              { key: "outcomes", header: "Outcomes", align: "right", cell: (e) => e.outcomes.toLocaleString("en-GB") },
              { key: "rationale", header: "In words", cell: (e) => e.rationale },
            ]}
          />
        </Section>
      </div>
    </>
  );
}
