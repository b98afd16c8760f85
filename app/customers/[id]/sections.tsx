import { CustomerRecommendations } from "@/components/customers/customer-recommendations";
import { JourneyInsights } from "@/components/customers/detail/journey-insights";
import { AuditTable } from "@/components/audit/audit-table";
import { RunPipelineButton } from "@/components/customers/detail/run-pipeline-button";
import { WhyNotTable } from "@/components/customers/why-not-table";
import { db } from "@/lib/db";
import { loadCustomerJourney } from "@/lib/pipeline/customer-journey";
import { getPool } from "@/lib/pool";
import { listCustomerAudit } from "@/lib/queries/audit";
import { listCustomerRecommendations, listReviewFilterOptions } from "@/lib/queries/recommendations";
import { getCustomerWhyNot } from "@/lib/queries/why-not";

// The customer page's slower parts, each streamed into its own Suspense boundary once the page has
// established that the customer exists.

/** The journey agent's analysis of every event: the slowest read on the page. */
export async function CustomerInsights({ customerId }: { customerId: string }) {
  const journey = await loadCustomerJourney(getPool(), customerId);
  if (!journey) return <p className="text-sm text-zinc-600">The journey could not be read for this customer.</p>;
  return <JourneyInsights analysis={journey.analysis} summary={journey.summary} />;
}

/** The pipeline button and every recommendation with its trace. */
export async function CustomerRecommendationsPanel({ customerId, canRun }: { customerId: string; canRun: boolean }) {
  const [recommendations, options] = await Promise.all([listCustomerRecommendations(db, customerId), listReviewFilterOptions(db)]);
  const treatmentNames = Object.fromEntries(options.treatments.map((t) => [t.key, t.name]));
  return (
    <>
      {canRun ? (
        <div className="mb-4">
          <RunPipelineButton customerId={customerId} treatmentNames={treatmentNames} />
        </div>
      ) : null}
      <CustomerRecommendations recommendations={recommendations} resourceNames={Object.fromEntries(options.resources.map((r) => [r.key, r.name]))} />
    </>
  );
}

/** Every catalog treatment's fate in the customer's newest decision. */
export async function CustomerWhyNot({ customerId }: { customerId: string }) {
  return <WhyNotTable whyNot={await getCustomerWhyNot(db, customerId)} />;
}

/** The audit entries of this customer's recommendations (reviews and overrides), newest first. */
export async function CustomerAudit({ customerId }: { customerId: string }) {
  const rows = await listCustomerAudit(db, customerId);
  return <AuditTable rows={rows} isCompact testId="customer-audit-table" />;
}
