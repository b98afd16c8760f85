import "server-only";
import type { PrismaClient } from "../generated/prisma/client";

/** A resource as the scenario form edits it: units per period. */
export type ScenarioResourceRow = { key: string; name: string; unit: string; period: string; limit: number; used: number; held: number; reservedHighValue: number };
/** A treatment as the scenario form edits it: cost in GBP per contact. */
export type ScenarioTreatmentRow = { key: string; name: string; costPerContact: number; isActive: boolean; resourceKey: string | null };
export type SavedScenarioRow = { id: string; name: string; changes: unknown; scope: unknown; savedBy: string | null; updatedAt: string };

/** What a scenario can change, as it stands: resources by name, treatments (no action aside) in catalog order. */
export async function getScenarioWorld(db: PrismaClient): Promise<{ resources: ScenarioResourceRow[]; treatments: ScenarioTreatmentRow[] }> {
  const [resources, treatments] = await Promise.all([
    db.resourceConstraint.findMany({
      orderBy: { name: "asc" },
      select: { key: true, name: true, unit: true, period: true, limit: true, used: true, held: true, reservedHighValue: true },
    }),
    db.treatment.findMany({
      where: { isNoAction: false },
      orderBy: [{ priority: "asc" }, { key: "asc" }],
      select: { key: true, name: true, costPerContact: true, isActive: true, resourceKey: true },
    }),
  ]);
  return { resources, treatments: treatments.map((t) => ({ ...t, costPerContact: Number(t.costPerContact) })) };
}

/** Saved scenarios, most recently saved first. */
export async function listScenarios(db: PrismaClient, opts: { take?: number } = {}): Promise<SavedScenarioRow[]> {
  const rows = await db.scenario.findMany({
    orderBy: { updatedAt: "desc" },
    take: opts.take ?? 50,
    select: { id: true, name: true, changes: true, scope: true, updatedAt: true, createdBy: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, changes: r.changes, scope: r.scope, savedBy: r.createdBy?.name ?? null, updatedAt: r.updatedAt.toISOString() }));
}
