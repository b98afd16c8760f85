import "server-only";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { actorLabel } from "../auth/roles";
import type { AuditListParams } from "../validations/audit";
import { ISO_UTC, type SqlQuery, addDays, ukDayStart } from "./allocations";
import { type FieldChange, diffSnapshots } from "./constraints";
import { type Paginated, paginate } from "./pagination";

export type AuditRow = {
  id: string;
  createdAt: Date;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  reason: string | null;
  /** Field by field, what the change did; a creation has only "to" values. */
  changes: FieldChange[];
  /** For an entry about a recommendation: whose it is, so the screen can link to the customer. */
  customerId?: string;
};

const SELECT = { id: true, createdAt: true, actorLabel: true, action: true, entityType: true, entityId: true, reason: true, before: true, after: true } as const;

type Selected = Prisma.AuditLogGetPayload<{ select: typeof SELECT }>;

function toRow({ id, before, after, ...r }: Selected): AuditRow {
  return { ...r, id: id.toString(), changes: diffSnapshots(before, after) };
}

function whereOf(f: Omit<AuditListParams, "page" | "problems">): Prisma.AuditLogWhereInput {
  const createdAt: Prisma.DateTimeFilter = {};
  if (f.from) createdAt.gte = ukDayStart(f.from);
  if (f.to) createdAt.lt = ukDayStart(addDays(f.to, 1));
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.entity ? { entityType: f.entity } : {}),
    ...(f.actor ? { actorId: f.actor === "system" ? null : f.actor } : {}),
    ...(f.id ? { entityId: f.id } : {}),
    ...(f.from || f.to ? { createdAt } : {}),
  };
}

/** Audit entries matching the filters, newest first, a page at a time (indexes on action, entity, actor and time). */
export async function listAuditEntries(db: PrismaClient, params: AuditListParams): Promise<Paginated<AuditRow>> {
  const where = whereOf(params);
  return paginate({
    page: params.page,
    count: () => db.auditLog.count({ where }),
    fetch: async ({ skip, take }) => withCustomers(db, (await db.auditLog.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take, select: SELECT })).map(toRow)),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Adds the customer of each entry about a recommendation (one query for the page). */
async function withCustomers(db: PrismaClient, rows: AuditRow[]): Promise<AuditRow[]> {
  const ids = [...new Set(rows.filter((r) => r.entityType === "Recommendation" && UUID.test(r.entityId)).map((r) => r.entityId))];
  if (ids.length === 0) return rows;
  const owners = await db.recommendation.findMany({ where: { id: { in: ids } }, select: { id: true, customerId: true } });
  const byId = new Map(owners.map((o) => [o.id, o.customerId]));
  return rows.map((r) => (r.entityType === "Recommendation" && byId.has(r.entityId) ? { ...r, customerId: byId.get(r.entityId) } : r));
}

/** The people the actor filter offers (the actions and kinds of thing are fixed: lib/audit/actions.ts). */
export async function listAuditActors(db: PrismaClient): Promise<{ id: string; label: string }[]> {
  const users = await db.user.findMany({ select: { id: true, name: true, role: true }, orderBy: { name: "asc" } });
  return users.map((u) => ({ id: u.id, label: actorLabel(u) }));
}

/** What was done to one customer's recommendations (reviews and overrides), newest first, at most `limit`. */
export async function listCustomerAudit(db: PrismaClient, customerId: string, limit = 50): Promise<AuditRow[]> {
  const recommendations = await db.recommendation.findMany({ where: { customerId }, select: { id: true } });
  if (recommendations.length === 0) return [];
  const rows = await db.auditLog.findMany({
    where: { entityType: "Recommendation", entityId: { in: recommendations.map((r) => r.id) } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: SELECT,
  });
  return rows.map(toRow);
}

export type AuditExportRow = {
  id: string;
  createdAt: string;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  reason: string | null;
  before: string | null;
  after: string | null;
};

/** Every entry matching the filters, newest first as on the screen, for a cursor (lib/export); before and after as JSON text. */
export function auditExportQuery(f: Omit<AuditListParams, "page" | "problems">): SqlQuery {
  const values: unknown[] = [];
  const conditions: string[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (f.action) conditions.push(`action = ${param(f.action)}`);
  if (f.entity) conditions.push(`"entityType" = ${param(f.entity)}`);
  if (f.actor) conditions.push(f.actor === "system" ? `"actorId" IS NULL` : `"actorId" = ${param(f.actor)}::uuid`);
  if (f.id) conditions.push(`"entityId" = ${param(f.id)}`);
  if (f.from) conditions.push(`"createdAt" >= (${param(ukDayStart(f.from).toISOString())}::timestamptz AT TIME ZONE 'UTC')`);
  if (f.to) conditions.push(`"createdAt" < (${param(ukDayStart(addDays(f.to, 1)).toISOString())}::timestamptz AT TIME ZONE 'UTC')`);
  const text = `
    SELECT id::text AS id, ${ISO_UTC('"createdAt"')} AS "createdAt", "actorLabel", action, "entityType", "entityId", reason,
           before::text AS before, after::text AS after
      FROM "AuditLog"
     ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
     ORDER BY "createdAt" DESC, id DESC`;
  return { text, values };
}
