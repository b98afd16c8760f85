import type { Metadata } from "next";
import { connection } from "next/server";
import { FindSegments } from "@/components/segments/find-segments";
import { RuleSegmentForm } from "@/components/segments/rule-segment-form";
import { SegmentsTable } from "@/components/segments/segments-table";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { can } from "@/lib/auth/roles";
import { getPool } from "@/lib/pool";
import { listSegmentsWithTrend } from "@/lib/queries/segments";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Segments" };

export default async function SegmentsPage() {
  await connection();
  const actor = await requireSignedIn();
  const canManage = can(actor.role, "segments.manage");
  const segments = await listSegmentsWithTrend(getPool());
  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of customers by what their journey shows, read from the stored insights: a rule you set, or a group the Segmentation agent found. Each can scope a run and filter the customer list."
      />
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
