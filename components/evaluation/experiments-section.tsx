import Link from "next/link";
import { armColumns } from "@/components/experiments/arm-columns";
import { ExperimentStatusLine } from "@/components/experiments/status-badge";
import { experimentStatus } from "@/lib/agents/evaluation/experiments";
import type { ExperimentSummary } from "@/lib/queries/experiments";
import { DataTable } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";

const pounds = (x: number) => x.toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });

/** Champion/challenger experiments on the Evaluation screen: each arm's share, change, decisions and retention so far, with each status as of `now`. */
export function ExperimentsSection({ experiments, now, treatmentNames }: { experiments: ExperimentSummary[]; now: Date; treatmentNames: Readonly<Record<string, string>> }) {
  return (
    <Section
      title="Experiments"
      description={
        <>
          Customers split between strategies by a stable hash, so each stays in one arm; retention is read at 90 days.{" "}
          <Link href="/experiments" className="font-medium text-indigo-700 hover:underline" data-testid="evaluation-experiments-link">
            Start or stop experiments
          </Link>
        </>
      }
      testId="evaluation-experiments"
    >
      {experiments.length === 0 ? (
        <p className="text-sm text-zinc-600">No experiment has run yet.</p>
      ) : (
        <div className="space-y-6">
          {experiments.map((e) => {
            const status = experimentStatus(e, now);
            return (
              <div key={e.key} id={`experiment-${e.key}`} data-testid={`experiment-${e.key}`} data-status={status}>
                <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-medium text-zinc-900">{e.name}</span>
                  <ExperimentStatusLine experiment={e} status={status} />
                </div>
                <DataTable
                  rows={e.arms}
                  rowKey={(a) => a.key}
                  empty="No arms."
                  caption={`Arms of ${e.name}`}
                  columns={[
                    ...armColumns<(typeof e.arms)[number]>(treatmentNames),
                    { key: "decisions", header: "Decisions", align: "right", cell: (a) => a.decisions.toLocaleString("en-GB") },
                    { key: "treated", header: "Treated", align: "right", cell: (a) => a.treated.toLocaleString("en-GB") },
                    { key: "value", header: "Expected value", align: "right", cell: (a) => pounds(a.expectedValueGbp) },
                    { key: "retention", header: "Retained at 90 days", align: "right", cell: (a) => (a.outcomes > 0 ? `${Math.round((a.retained / a.outcomes) * 100)}% of ${a.outcomes.toLocaleString("en-GB")}` : "—") },
                  ]}
                />
              </div>
            );
          })}
        </div>
      )}
    </Section>
  );
}
