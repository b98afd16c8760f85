import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ExperimentForm } from "@/components/experiments/experiment-form";
import { StopExperimentButton } from "@/components/experiments/stop-experiment-button";
import { armColumns } from "@/components/experiments/arm-columns";
import { ExperimentStatusLine } from "@/components/experiments/status-badge";
import { experimentStatus } from "@/lib/agents/evaluation/experiments";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listExperimentSummaries } from "@/lib/queries/experiments";
import { listTreatments } from "@/lib/queries/treatments";
import { getPool } from "@/lib/pool";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Experiments" };

export default async function ExperimentsPage() {
  await connection();
  const actor = await requireSignedIn();
  const now = new Date();
  const [experiments, treatments] = await Promise.all([listExperimentSummaries(getPool()), listTreatments(db)]);
  const canManage = can(actor.role, "experiments.manage");
  const editable = treatments.filter((t) => !t.isNoAction).map((t) => ({ key: t.key, name: t.name, expectedEffect: t.expectedEffect, costPerContact: t.costPerContact }));
  const treatmentNames = Object.fromEntries(treatments.map((t) => [t.key, t.name]));

  return (
    <>
      <PageHeader
        title="Experiments"
        description="Champion against challenger: every run splits its customers between the arms of the running experiment by a stable hash, so a customer stays in one arm, and each arm decides with its own policy, allocation and catalog edits. When arms compare allocations, each plans within its share of every resource."
      />
      {canManage ? (
        <Section title="Start an experiment" description="One experiment runs at a time: every run's customers are split by it. Shares are whole percent adding up to 100." testId="experiment-start">
          <ExperimentForm treatments={editable} />
        </Section>
      ) : (
        <p className="mb-6 text-sm text-zinc-600" data-testid="experiments-read-only">
          Managers and administrators start and stop experiments; you can follow them here and on the Evaluation screen.
        </p>
      )}
      <Section title="All experiments" description="Newest first, with each arm's decisions so far." testId="experiments-list">
        {experiments.length === 0 ? (
          <p className="text-sm text-zinc-600">No experiment has been started yet.</p>
        ) : (
          <div className="space-y-6">
            {experiments.map((e) => {
              const status = experimentStatus(e, now);
              return (
                <article key={e.key} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="experiment-card" data-key={e.key} data-status={status}>
                  <div className="mb-3 flex flex-wrap items-center gap-x-3 gap-y-2 text-sm">
                    <h3 className="font-semibold text-zinc-900">{e.name}</h3>
                    <span className="font-mono text-xs text-zinc-500">{e.key}</span>
                    <ExperimentStatusLine experiment={e} status={status} />
                    <span className="ml-auto flex items-center gap-3">
                      <Link href={`/evaluation#experiment-${e.key}`} className="font-medium text-indigo-700 hover:underline" data-testid="experiment-lift-link">
                        Lift on Evaluation
                      </Link>
                      {canManage && (status === "running" || status === "scheduled") ? <StopExperimentButton experimentKey={e.key} name={e.name} /> : null}
                    </span>
                  </div>
                  <DataTable
                    rows={e.arms}
                    rowKey={(a) => a.key}
                    empty="No arms."
                    caption={`Arms of ${e.name}`}
                    rowTestId="experiment-arm"
                    columns={[
                      ...armColumns<(typeof e.arms)[number]>(treatmentNames),
                      { key: "decisions", header: "Decisions so far", align: "right", cell: (a) => a.decisions.toLocaleString("en-GB") },
                    ]}
                  />
                </article>
              );
            })}
          </div>
        )}
      </Section>
    </>
  );
}
