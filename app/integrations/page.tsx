import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { IntegrationTokens } from "@/components/integrations/integration-tokens";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { can } from "@/lib/auth/roles";
import { MAX_OUTCOMES_PER_REQUEST } from "@/lib/outcomes/record";
import { listIntegrationTokens } from "@/lib/outcomes/tokens";
import { getPool } from "@/lib/pool";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Integrations" };

const EXAMPLE = `curl -X POST https://<this app>/api/outcomes \\
  -H "Authorization: Bearer <token>" -H "Content-Type: application/json" \\
  -d '{"recommendationId":"<decision id>","contactMade":true,"response":"accepted",
       "stayed30d":true,"stayed90d":null,"revenueChangeGbp":-2.5,"recordedAt":"2026-03-01T10:00:00Z"}'`;

export default async function IntegrationsPage() {
  await connection();
  const actor = await requireSignedIn();
  if (!can(actor.role, "users.manage")) notFound();
  const tokens = await listIntegrationTokens(getPool());

  return (
    <>
      <PageHeader
        title="Integrations"
        description="Tokens that let other systems (a dialler, the CRM, the billing system) report what happened after a decision. A token writes outcomes and nothing else."
      />
      <IntegrationTokens
        tokens={tokens.map((t) => ({
          id: t.id,
          name: t.name,
          tokenPrefix: t.tokenPrefix,
          createdByLabel: t.createdByLabel,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
          revokedAt: t.revokedAt?.toISOString() ?? null,
          revokedByLabel: t.revokedByLabel,
        }))}
      />
      <Section title="Sending outcomes" description={`One outcome, or up to ${MAX_OUTCOMES_PER_REQUEST} as {"outcomes": [...]}; all or nothing. A decision reported again is updated to the newer report.`}>
        <pre className="overflow-x-auto rounded-lg border border-zinc-200 bg-zinc-50 p-4 text-xs text-zinc-800" data-testid="integrations-example">
          {EXAMPLE}
        </pre>
      </Section>
    </>
  );
}
