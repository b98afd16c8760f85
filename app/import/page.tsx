import type { Metadata } from "next";
import { connection } from "next/server";
import { ImportBatchesTable } from "@/components/import/import-batches-table";
import { ImportPanel } from "@/components/import/import-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Section } from "@/components/ui/section";
import { PERMISSIONS, can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listSavedMappings } from "@/lib/import/mapping-file";
import { listImportBatches } from "@/lib/queries/imports";
import { requireSignedIn } from "@/lib/session/actor";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Import" };

export default async function ImportPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const actor = await requireSignedIn();
  const canImport = can(actor.role, "imports.run");
  const { page } = parsePageParams(await searchParams);
  const [batches, saved] = await Promise.all([listImportBatches(db, { page }), canImport ? listSavedMappings() : []]);

  return (
    <>
      <PageHeader
        title="Import"
        description="Load customers (in the Telco layout or through a mapping), their journey events or their contact permissions from a file. A dry run shows what would change; an import changes everything or, if refused, nothing."
      />
      {canImport ? (
        <ImportPanel savedMappings={saved.map((s) => ({ id: s.id, name: s.mapping.name, description: s.mapping.description ?? null, text: s.text }))} />
      ) : (
        <p className="mb-6 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600" data-testid="import-read-only">
          {PERMISSIONS["imports.run"].refusal} You can see what was imported below.
        </p>
      )}
      <Section title="Import batches" description="Every import, newest first: open one to see its notes and its customers.">
        <ImportBatchesTable rows={batches.rows} />
        {batches.total > 0 ? <Pagination {...batches} noun="batch" nounPlural="batches" basePath="/import" /> : null}
      </Section>
    </>
  );
}
