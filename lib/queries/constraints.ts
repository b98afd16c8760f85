import "server-only";
import type { CapacityPeriod, PrismaClient } from "../generated/prisma/client";

export const CONSTRAINT_CHANGE_LIMIT = 20;

export type ResourceRow = {
  key: string;
  name: string;
  unit: string;
  limit: number;
  used: number;
  held: number;
  reservedHighValue: number;
  period: CapacityPeriod;
  periodStart: Date;
  updatedAt: Date;
};

export async function listResources(db: PrismaClient): Promise<ResourceRow[]> {
  return db.resourceConstraint.findMany({
    orderBy: { name: "asc" },
    select: {
      key: true,
      name: true,
      unit: true,
      limit: true,
      used: true,
      held: true,
      reservedHighValue: true,
      period: true,
      periodStart: true,
      updatedAt: true,
    },
  });
}

export type FieldChange = { field: string; from: string; to: string };

export type ConstraintChangeRow = {
  id: string;
  resourceKey: string;
  action: string;
  actorLabel: string;
  reason: string | null;
  changes: FieldChange[];
  createdAt: Date;
};

function show(value: unknown): string {
  if (value === undefined || value === null) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The fields whose value differs between two audit snapshots, in a stable order. */
export function diffSnapshots(before: unknown, after: unknown): FieldChange[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return fields
    .filter((field) => JSON.stringify(b[field]) !== JSON.stringify(a[field]))
    .map((field) => ({ field, from: show(b[field]), to: show(a[field]) }));
}

/** Latest audit entries about capacity limits, newest first. */
export async function listConstraintChanges(db: PrismaClient, limit = CONSTRAINT_CHANGE_LIMIT): Promise<ConstraintChangeRow[]> {
  const rows = await db.auditLog.findMany({
    where: { entityType: "ResourceConstraint" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, entityId: true, action: true, actorLabel: true, reason: true, before: true, after: true, createdAt: true },
  });
  return rows.map(({ id, entityId, before, after, ...r }) => ({
    ...r,
    id: id.toString(),
    resourceKey: entityId,
    changes: diffSnapshots(before, after),
  }));
}
