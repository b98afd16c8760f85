import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ReasonCodesEditor } from "@/components/recommendations/reason-codes-editor";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/roles";
import { listReviewReasons } from "@/lib/pipeline/review/reasons";
import { getPool } from "@/lib/pool";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Reason codes" };

export default async function ReasonCodesPage() {
  await connection();
  const actor = await requireSignedIn();
  const reasons = await listReviewReasons(getPool(), { includeRetired: true });
  return (
    <>
      <PageHeader
        title="Reason codes"
        description={
          <>
            The short lists reviewers choose from when they reject or override, counted on the{" "}
            <Link href="/review/history" className="text-indigo-700 hover:underline">
              review history
            </Link>
            . A retired reason is no longer offered; reviews that chose it keep it.
          </>
        }
      />
      <ReasonCodesEditor reasons={reasons} canManage={can(actor.role, "catalog.manage")} />
    </>
  );
}
