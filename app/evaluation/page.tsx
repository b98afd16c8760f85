import type { Metadata } from "next";
import { connection } from "next/server";
import { LiftChart } from "@/components/evaluation/lift-chart";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { evaluateTreatments } from "@/lib/queries/evaluation";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Evaluation" };

const percent = (x: number) => `${Math.round(x * 100)}%`;
const pounds = (x: number) => x.toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });

export default async function EvaluationPage() {
  await connection();
  await requireSignedIn();
  const overview = await evaluateTreatments(db);
  const measured = overview.lifts.flatMap((l) => (l.isMeasured ? [{ key: l.treatmentKey, ...l.evaluation }] : []));

  return (
    <>
      <PageHeader
        title="Evaluation"
        description={`What treatments did for retention at ${overview.horizon === "90d" ? "90" : "30"} days, measured against the customers held out from them: ${overview.treatedCount.toLocaleString("en-GB")} treated and ${overview.heldOutCount.toLocaleString("en-GB")} held-out outcomes.`}
      />
      {measured.length === 0 ? (
        <EmptyState title="No treatment can be measured yet" testId="evaluation-empty">
          Lift needs outcomes of approved decisions and of customers held out from the same treatment. Import them with npm run outcomes:import.
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <LiftChart data={measured.map((e) => ({ name: e.label, lift: e.absoluteLift * 100, low: e.absoluteInterval.low * 100, high: e.absoluteInterval.high * 100 }))} />
          <ul className="space-y-1 text-sm text-zinc-800" data-testid="evaluation-sentences">
            {measured.map((e) => (
              <li key={e.key}>{e.sentence}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="mt-8 space-y-8">
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
                        ? `About ${l.evaluation.power.treated.toLocaleString("en-GB")} more treated and ${l.evaluation.power.control.toLocaleString("en-GB")} more held out`
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
