import "server-only";
import type { PolicyKind, PrismaClient, RunStatus } from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";

export const RECENT_RUN_LIMIT = 5;

export type RunRow = {
  id: string;
  status: RunStatus;
  policy: PolicyKind;
  total: number;
  processed: number;
  failed: number;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

const runSelect = {
  id: true,
  status: true,
  policy: true,
  total: true,
  processed: true,
  failed: true,
  requestedBy: { select: { name: true } },
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] as const;

function toRunRow({ requestedBy, ...run }: { requestedBy: { name: string } | null } & Omit<RunRow, "requestedBy">): RunRow {
  return { ...run, requestedBy: requestedBy?.name ?? null };
}

/** Runs, newest first. */
export async function listRuns(db: PrismaClient, { page, pageSize }: { page: number; pageSize?: number }): Promise<Paginated<RunRow>> {
  return paginate({
    page,
    pageSize,
    count: () => db.run.count(),
    fetch: async ({ skip, take }) => {
      const rows = await db.run.findMany({ orderBy: [...newestFirst], skip, take, select: runSelect });
      return rows.map(toRunRow);
    },
  });
}

export async function listRecentRuns(db: PrismaClient, limit = RECENT_RUN_LIMIT): Promise<RunRow[]> {
  const rows = await db.run.findMany({ orderBy: [...newestFirst], take: limit, select: runSelect });
  return rows.map(toRunRow);
}

export async function countRuns(db: PrismaClient): Promise<number> {
  return db.run.count();
}
