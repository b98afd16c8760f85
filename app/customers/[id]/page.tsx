import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { ContactPermissions } from "@/components/customers/contact-permissions";
import { CustomerProfile } from "@/components/customers/customer-profile";
import { CustomerRecommendations } from "@/components/customers/customer-recommendations";
import { JourneyInsights } from "@/components/customers/detail/journey-insights";
import { RunPipelineButton } from "@/components/customers/detail/run-pipeline-button";
import { JourneyTimeline } from "@/components/customers/journey-timeline";
import { formatNumber } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { loadCustomerJourney } from "@/lib/pipeline/customer-journey";
import { getPool } from "@/lib/pool";
import { getCustomerDetail } from "@/lib/queries/customers";
import { listCustomerRecommendations, listReviewFilterOptions } from "@/lib/queries/recommendations";

// No loading.tsx wraps this page on purpose: once a loading fallback has streamed, the response is
// already a 200, and an unknown customer id must answer 404.

type Props = { params: Promise<{ id: string }> };

// Longer than any real customer id; such a path is not looked up at all.
const MAX_ID_LENGTH = 64;

// The segment arrives still percent-encoded; a malformed encoding names no customer.
function customerIdFrom(segment: string): string | null {
  try {
    const id = decodeURIComponent(segment);
    return id.length > 0 && id.length <= MAX_ID_LENGTH ? id : null;
  } catch {
    return null;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = customerIdFrom((await params).id);
  return { title: id ? `Customer ${id}` : "Customer not found" };
}

export default async function CustomerPage({ params }: Props) {
  await connection();
  const id = customerIdFrom((await params).id);
  if (!id) notFound();
  const customer = await getCustomerDetail(db, id);
  if (!customer) notFound();

  const [journey, recommendations, options] = await Promise.all([
    loadCustomerJourney(getPool(), id),
    listCustomerRecommendations(db, id),
    listReviewFilterOptions(db),
  ]);
  const treatmentNames = Object.fromEntries(options.treatments.map((t) => [t.key, t.name]));

  const { profile, events, eventTotal } = customer;
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href="/customers" className="text-indigo-700 hover:underline">
          ← Customers
        </Link>
      </nav>
      <PageHeader title={profile.name} description={`${profile.segment} · ${profile.plan} · ${profile.region}`} />

      <Section title="Profile">
        <CustomerProfile profile={profile} />
      </Section>

      <Section title="Contact permissions and preferences">
        <ContactPermissions
          permissions={customer.permissions}
          hasPermissionRecord={customer.hasPermissionRecord}
          preference={customer.preference}
        />
      </Section>

      {journey ? (
        <Section
          title="What the journey agent sees"
          description={`Metrics and patterns from all ${formatNumber(journey.journey.events.length)} events, as of now.`}
          testId="customer-insights"
        >
          <JourneyInsights analysis={journey.analysis} summary={journey.summary} />
        </Section>
      ) : null}

      <Section
        title="Journey"
        description={
          eventTotal > events.length
            ? `The latest ${formatNumber(events.length)} of ${formatNumber(eventTotal)} events by month, newest first.`
            : `${formatNumber(eventTotal)} events by month, newest first.`
        }
        testId="customer-journey"
      >
        <JourneyTimeline events={events} />
      </Section>

      <Section
        title="Recommendations"
        description="Newest first, each with its rationale, alternatives, fallback path and the agent trace that produced it."
        testId="customer-recommendations-section"
      >
        <div className="mb-4">
          <RunPipelineButton customerId={profile.id} treatmentNames={treatmentNames} />
        </div>
        <CustomerRecommendations recommendations={recommendations} />
      </Section>
    </>
  );
}
