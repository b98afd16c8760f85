import type { Metadata } from "next";
import { connection } from "next/server";
import { ContactPolicyTable } from "@/components/contact-policy/contact-policy-table";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/roles";
import { listContactPolicyRules } from "@/lib/pipeline/contact-policy";
import { getPool } from "@/lib/pool";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Contact policy" };

export default async function ContactPolicyPage() {
  await connection();
  const actor = await requireSignedIn();
  const rules = await listContactPolicyRules(getPool());

  return (
    <>
      <PageHeader
        title="Contact policy"
        description="How often one customer may be contacted, and how soon a treatment may be repeated. Every decision and every approval checks these rules; a change applies from the next decision on and never alters an approved one."
      />
      <ContactPolicyTable rules={rules} canEdit={can(actor.role, "contact_policy.manage")} />
    </>
  );
}
