import type { Metadata } from "next";
import { connection } from "next/server";
import { FindSegments } from "@/components/segments/find-segments";
import { RuleSegmentForm } from "@/components/segments/rule-segment-form";
import { SegmentsTable } from "@/components/segments/segments-table";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { can } from "@/lib/auth/roles";
import { getPool } from "@/lib/pool";
import { getSegment, listSegmentsWithTrend } from "@/lib/queries/segments";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Segments" };

export default async function SegmentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const actor = await requireSignedIn();
  const canManage = can(actor.role, "segments.manage");
  const { edit } = await searchParams;
  const [segments, edited] = await Promise.all([
    listSegmentsWithTrend(getPool()),
    canManage && typeof edit === "string" ? getSegment(getPool(), edit) : Promise.resolve(null),
  ]);
  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of customers by what their journey shows, read from the stored insights: a rule you set, or a group the Segmentation agent found. Each can scope a run and filter the customer list."
      />
      {edited?.kind === "rule" ? (
        <Section title={`Edit rule: ${edited.name}`} description="Change the name or any condition; saving counts the members again and keeps the change in the audit log.">
          <RuleSegmentForm key={edited.id} editing={{ id: edited.id, name: edited.name, rule: edited.rule }} />
        </Section>
      ) : null}
      <Section title="Saved segments" description="Size and churn risk as counted today; the trend keeps one count a day.">
        <SegmentsTable segments={segments} canManage={canManage} />
      </Section>
      {canManage ? (
        <>
          <Section title="Find segments" description="k-means on the stored metrics (value, risk, usage and bill trends, tenure, complaints, price sensitivity), k chosen by mean silhouette.">
            <FindSegments />
          </Section>
          <Section title="New rule segment" description="Customers whose stored insight meets every condition given.">
            <RuleSegmentForm />
          </Section>
        </>
      ) : null}
    </>
  );
}
