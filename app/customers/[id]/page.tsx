import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { ContactPermissions } from "@/components/customers/contact-permissions";
import { CustomerProfile } from "@/components/customers/customer-profile";
import { CustomerRecommendationsSkeleton, JourneyInsightsSkeleton } from "@/components/customers/detail/section-skeletons";
import { JourneyTimeline } from "@/components/customers/journey-timeline";
import { formatNumber, humanize, plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { getCustomerDetail } from "@/lib/queries/customers";
import { CustomerAudit, CustomerInsights, CustomerRecommendationsPanel, CustomerWhyNot } from "./sections";
import { can } from "@/lib/auth/roles";
import { requireSignedIn } from "@/lib/session/actor";

// No loading.tsx wraps this page on purpose: once a loading fallback has streamed, the response is
// already a 200, and an unknown customer id must answer 404. So the page looks the customer up
// first and only then streams its slower sections, each behind its own Suspense boundary.

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
  const actor = await requireSignedIn();
  const id = customerIdFrom((await params).id);
  if (!id) notFound();
  const customer = await getCustomerDetail(db, id);
  if (!customer) notFound();

  const { profile, events, eventTotal } = customer;
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href="/customers" className="text-indigo-700 hover:underline">
          ← Customers
        </Link>
      </nav>
      <PageHeader title={profile.name} description={`${humanize(profile.segment)} · ${profile.plan} · ${profile.region}`} />

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

      <Section
        title="What the journey agent sees"
        description={`Metrics and patterns from every event (${plural(eventTotal, "event")}), as of now.`}
        testId="customer-insights"
      >
        <Suspense fallback={<JourneyInsightsSkeleton />}>
          <CustomerInsights customerId={profile.id} />
        </Suspense>
      </Section>

      <Section
        title="Journey"
        description={
          eventTotal > events.length
            ? `The latest ${formatNumber(events.length)} of ${formatNumber(eventTotal)} events by month, newest first.`
            : `${plural(eventTotal, "event")} by month, newest first.`
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
        <Suspense fallback={<CustomerRecommendationsSkeleton />}>
          <CustomerRecommendationsPanel customerId={profile.id} canRun={can(actor.role, "runs.start")} />
        </Suspense>
      </Section>

      <Section
        title="Why not the others"
        description="Every treatment of the catalog in the newest decision: the one chosen, the ranked alternatives with their value, and each excluded one with the rule that excluded it."
        testId="customer-why-not"
      >
        <Suspense fallback={<CustomerRecommendationsSkeleton />}>
          <CustomerWhyNot customerId={profile.id} />
        </Suspense>
      </Section>

      <Section title="Review history" description="Who approved, rejected or overrode this customer's recommendations, with before and after." testId="customer-audit">
        <Suspense fallback={<CustomerRecommendationsSkeleton />}>
          <CustomerAudit customerId={profile.id} />
        </Suspense>
      </Section>
    </>
  );
}
