// The one writer of audit entries outside the capacity store: callers pass the client (node-postgres
// or a Prisma transaction) of the transaction that makes the change, so the entry and the change commit together or not at all.
import type pg from "pg";
import type { Actor } from "../auth/roles";
import type { AuditAction } from "./actions";

export type AuditEntry = {
  actor: Pick<Actor, "id" | "label">;
  /** One of the kinds the screens name (lib/audit/actions.ts), so a new kind cannot go unlabelled. */
  action: AuditAction;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason?: string | null;
};

/** A Prisma transaction client, as screens' writes use; only the raw executor is needed. */
type PrismaExecutor = { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> };

const INSERT_AUDIT = `INSERT INTO "AuditLog" ("actorId", "actorLabel", action, "entityType", "entityId", before, after, reason) VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`;

export async function writeAudit(client: pg.ClientBase | pg.Pool | PrismaExecutor, entry: AuditEntry): Promise<void> {
  const values = [
    entry.actor.id,
    entry.actor.label,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
    entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
    entry.reason ?? null,
  ];
  if ("$executeRawUnsafe" in client) await client.$executeRawUnsafe(INSERT_AUDIT, ...values);
  else await client.query(INSERT_AUDIT, values);
}

/** The fields of `after` that differ from `before`, each side with only those fields; null when nothing differs. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } | null {
  const keys = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (keys.length === 0) return null;
  return {
    before: Object.fromEntries(keys.map((k) => [k, before[k]])) as Partial<T>,
    after: Object.fromEntries(keys.map((k) => [k, after[k]])) as Partial<T>,
  };
}
