import "server-only";
import type { CapacityPeriod, Prisma, PrismaClient } from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";

export const CONSTRAINT_CHANGES_PAGE_SIZE = 20;

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
  price: Prisma.Decimal;
  highValuePrice: Prisma.Decimal;
  priceUpdatedAt: Date | null;
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
      price: true,
      highValuePrice: true,
      priceUpdatedAt: true,
    },
  });
}

/**
 * One resource as its live gauge shows it, JSON-safe (times as ISO strings). Units: `used` is
 * everything committed this period (confirmed + held), `held` awaits review, `free` = limit − used,
 * `freeGeneral` is what customers outside the high-value tier may still take.
 */
export type ResourceGauge = {
  key: string;
  name: string;
  unit: string;
  limit: number;
  used: number;
  held: number;
  confirmed: number;
  reservedHighValue: number;
  free: number;
  freeGeneral: number;
  period: CapacityPeriod;
  periodStart: string;
  updatedAt: string;
  /** GBP a unit is worth to the general pool as the last batch run priced it (0: room to spare); the reserve's price for high-value customers. */
  price: number;
  highValuePrice: number;
  /** When a run last priced it (ISO); null before any has. */
  priceUpdatedAt: string | null;
};

export function toGauge(r: ResourceRow): ResourceGauge {
  return {
    key: r.key,
    name: r.name,
    unit: r.unit,
    limit: r.limit,
    used: r.used,
    held: r.held,
    confirmed: r.used - r.held,
    reservedHighValue: r.reservedHighValue,
    free: Math.max(0, r.limit - r.used),
    freeGeneral: Math.max(0, r.limit - r.reservedHighValue - r.used),
    period: r.period,
    periodStart: r.periodStart.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    price: Number(r.price),
    highValuePrice: Number(r.highValuePrice),
    priceUpdatedAt: r.priceUpdatedAt?.toISOString() ?? null,
  };
}

/** What the gauges poll: every resource and when the figures were read. */
export type ConstraintsSnapshot = { resources: ResourceGauge[]; asOf: string };

/** Every resource's gauge figures, by name. */
export async function listResourceGauges(db: PrismaClient): Promise<ResourceGauge[]> {
  return (await listResources(db)).map(toGauge);
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

const CONSTRAINT_AUDIT = { entityType: "ResourceConstraint" } as const;

/** Audit entries about capacity limits and periods, newest first, a page at a time. */
export async function listConstraintChanges(
  db: PrismaClient,
  { page, pageSize = CONSTRAINT_CHANGES_PAGE_SIZE }: { page: number; pageSize?: number },
): Promise<Paginated<ConstraintChangeRow>> {
  return paginate({
    page,
    pageSize,
    count: () => db.auditLog.count({ where: CONSTRAINT_AUDIT }),
    fetch: async ({ skip, take }) => {
      const rows = await db.auditLog.findMany({
        where: CONSTRAINT_AUDIT,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip,
        take,
        select: { id: true, entityId: true, action: true, actorLabel: true, reason: true, before: true, after: true, createdAt: true },
      });
      return rows.map(({ id, entityId, before, after, ...r }) => ({
        ...r,
        id: id.toString(),
        resourceKey: entityId,
        changes: diffSnapshots(before, after),
      }));
    },
  });
}
