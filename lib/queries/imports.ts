import "server-only";
import type { PrismaClient } from "../generated/prisma/client";
import { type Paginated, paginate } from "./pagination";

export const IMPORT_BATCHES_PAGE_SIZE = 20;

export type ImportBatchRow = {
  id: string;
  createdAt: Date;
  fileName: string;
  /** customers, events or permissions; older batches (customers only) have no kind recorded. */
  kind: string;
  rowsRead: number;
  rowsImported: number;
  rowsSkipped: number;
  /** Who imported it, from its audit entry; null for the command line. */
  importedBy: string | null;
};

type Report = { kind?: unknown; notes?: unknown; inserted?: unknown; updated?: unknown; unchanged?: unknown; skipped?: unknown };

const kindOf = (report: unknown) => {
  const kind = (report as Report | null)?.kind;
  return typeof kind === "string" ? kind : "customers";
};

const SELECT = { id: true, createdAt: true, fileName: true, rowsRead: true, rowsImported: true, rowsSkipped: true, report: true } as const;

async function importersOf(db: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const entries = await db.auditLog.findMany({ where: { action: "import.run", entityType: "ImportBatch", entityId: { in: ids } }, select: { entityId: true, actorLabel: true } });
  return new Map(entries.map((e) => [e.entityId, e.actorLabel]));
}

/** Import batches, newest first, a page at a time. */
export async function listImportBatches(db: PrismaClient, { page }: { page: number }): Promise<Paginated<ImportBatchRow>> {
  return paginate({
    page,
    pageSize: IMPORT_BATCHES_PAGE_SIZE,
    count: () => db.importBatch.count(),
    fetch: async ({ skip, take }) => {
      const rows = await db.importBatch.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take, select: SELECT });
      const by = await importersOf(db, rows.map((r) => r.id));
      return rows.map(({ report, ...r }) => ({ ...r, kind: kindOf(report), importedBy: by.get(r.id) ?? null }));
    },
  });
}

export type ImportBatchDetail = ImportBatchRow & {
  fileSha256: string;
  format: string;
  inserted: number | null;
  updated: number | null;
  notes: string[];
  skipped: { where: string; reason: string }[];
};

export async function getImportBatch(db: PrismaClient, id: string): Promise<ImportBatchDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await db.importBatch.findUnique({ where: { id }, select: { ...SELECT, fileSha256: true, format: true } });
  if (!row) return null;
  const report = (row.report ?? {}) as Report;
  const by = await importersOf(db, [row.id]);
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    id: row.id,
    createdAt: row.createdAt,
    fileName: row.fileName,
    fileSha256: row.fileSha256,
    format: row.format,
    kind: kindOf(report),
    rowsRead: row.rowsRead,
    rowsImported: row.rowsImported,
    rowsSkipped: row.rowsSkipped,
    importedBy: by.get(row.id) ?? null,
    inserted: num(report.inserted),
    updated: num(report.updated),
    notes: Array.isArray(report.notes) ? report.notes.filter((n): n is string => typeof n === "string") : [],
    skipped: Array.isArray(report.skipped) ? (report.skipped as { where: string; reason: string }[]).slice(0, 100) : [],
  };
}

export type BatchCustomerRow = { id: string; name: string; segment: string; valueTier: string; tenureMonths: number; monthlyRevenue: number };

/** The customers a batch last wrote (a later import of the same customers takes them over), by id. */
export async function listBatchCustomers(db: PrismaClient, batchId: string, { page }: { page: number }): Promise<Paginated<BatchCustomerRow>> {
  const where = { importBatchId: batchId };
  return paginate({
    page,
    count: () => db.customer.count({ where }),
    fetch: async ({ skip, take }) =>
      (
        await db.customer.findMany({
          where,
          orderBy: { id: "asc" },
          skip,
          take,
          select: { id: true, name: true, segment: true, valueTier: true, tenureMonths: true, monthlyRevenue: true },
        })
      ).map((c) => ({ ...c, monthlyRevenue: c.monthlyRevenue.toNumber() })),
  });
}
