import "server-only";
import { z } from "zod";
import type { PolicyKind, PrismaClient, RunStatus } from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";

export const RECENT_RUN_LIMIT = 5;
/** Failures listed with their reasons on a run's summary; the rest are counted. */
export const RUN_FAILURE_LIMIT = 20;
/** A run list page polled every second stays small. */
export const RUN_PAGE_SIZE = 20;

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

/** What a run's summary says, ready for a screen. */
export type RunSummaryView = {
  byStatus: { pending_review: number; no_action: number; failed: number };
  /** Treatments chosen, most chosen first. */
  byTreatment: { key: string; name: string; count: number }[];
  fallbacks: number;
  modelFallbacks: number;
  /** Decisions of a model run made without asking the model (only no action was allowed). */
  decidedWithoutModel: number;
  /** Earlier pending recommendations this run replaced. */
  supersededEarlier: number;
  /** The first RUN_FAILURE_LIMIT failures; `failureCount` counts them all. */
  failures: { customerId: string; reason: string }[];
  failureCount: number;
  missingCustomers: number;
  modelCalls: number;
  promptTokens: number;
  completionTokens: number;
  /** GBP. */
  expectedValue: number;
  durationMs: number;
  isCancelled: boolean;
};

export type RunDetailRow = RunRow & {
  /** The run's selection in words ("Segment: family · at most 500 customers"). */
  scope: string;
  cancelRequested: boolean;
  error: string | null;
  /** Null until the run ends (and for a run that failed before it could summarise). */
  summary: RunSummaryView | null;
};

/** A run as the JSON route sends it: dates as ISO strings. */
export type RunDetailJson = Omit<RunDetailRow, "createdAt" | "startedAt" | "finishedAt"> & {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["queued", "running"];

export function isRunActive(status: RunStatus): boolean {
  return ACTIVE_RUN_STATUSES.includes(status);
}

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

const runDetailSelect = { ...runSelect, scope: true, cancelRequested: true, error: true, summary: true } as const;

const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] as const;

function toRunRow({ requestedBy, ...run }: { requestedBy: { name: string } | null } & Omit<RunRow, "requestedBy">): RunRow {
  return { ...run, requestedBy: requestedBy?.name ?? null };
}

const count = z.number().int().nonnegative().catch(0);
const storedSummarySchema = z.object({
  byStatus: z.object({ pending_review: count, no_action: count, failed: count }),
  byTreatment: z.record(z.string(), count).catch({}),
  fallbacks: count,
  modelFallbacks: count,
  decidedWithoutModel: count,
  supersededEarlier: count,
  failures: z.array(z.object({ customerId: z.string(), reason: z.string() })).catch([]),
  missingCustomers: z.array(z.string()).catch([]),
  modelCalls: count,
  promptTokens: count,
  completionTokens: count,
  expectedValue: z.number().catch(0),
  durationMs: z.number().nonnegative().catch(0),
  isCancelled: z.boolean().catch(false),
});

async function treatmentNamesOf(db: PrismaClient): Promise<Map<string, string>> {
  const rows = await db.treatment.findMany({ select: { key: true, name: true } });
  return new Map(rows.map((t) => [t.key, t.name]));
}

/** A stored run summary for display; null when there is none or it is not a summary at all. */
export function toRunSummaryView(stored: unknown, treatmentNames: ReadonlyMap<string, string> = new Map()): RunSummaryView | null {
  const parsed = storedSummarySchema.safeParse(stored);
  if (!parsed.success) return null;
  const s = parsed.data;
  return {
    byStatus: s.byStatus,
    byTreatment: Object.entries(s.byTreatment)
      // A treatment removed from the catalog since keeps its key.
      .map(([key, n]) => ({ key, name: treatmentNames.get(key) ?? key, count: n }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    fallbacks: s.fallbacks,
    modelFallbacks: s.modelFallbacks,
    decidedWithoutModel: s.decidedWithoutModel,
    supersededEarlier: s.supersededEarlier,
    failures: s.failures.slice(0, RUN_FAILURE_LIMIT),
    failureCount: s.failures.length,
    missingCustomers: s.missingCustomers.length,
    modelCalls: s.modelCalls,
    promptTokens: s.promptTokens,
    completionTokens: s.completionTokens,
    expectedValue: s.expectedValue,
    durationMs: s.durationMs,
    isCancelled: s.isCancelled,
  };
}

const storedScopeSchema = z
  .object({
    customerIds: z.array(z.string()).optional(),
    segment: z.string().optional(),
    valueTier: z.string().optional(),
    limit: z.number().optional(),
  })
  .catch({});

/** A run's stored scope in words. */
export function describeRunScope(stored: unknown): string {
  const scope = storedScopeSchema.parse(stored ?? {});
  const parts: string[] = [];
  if (scope.customerIds) {
    const [first] = scope.customerIds;
    parts.push(scope.customerIds.length === 1 && first ? `Customer ${first}` : `${scope.customerIds.length.toLocaleString("en-GB")} chosen customers`);
  }
  if (scope.segment) parts.push(`Segment: ${scope.segment}`);
  if (scope.valueTier) parts.push(`Value tier: ${scope.valueTier}`);
  if (parts.length === 0) parts.push("All customers");
  if (scope.limit) parts.push(`at most ${scope.limit.toLocaleString("en-GB")}`);
  return parts.join(" · ");
}

type StoredRunDetail = Omit<RunRow, "requestedBy"> & {
  requestedBy: { name: string } | null;
  scope: unknown;
  cancelRequested: boolean;
  error: string | null;
  summary: unknown;
};

function toRunDetailRow({ scope, summary, cancelRequested, error, ...run }: StoredRunDetail, treatmentNames: ReadonlyMap<string, string>): RunDetailRow {
  return { ...toRunRow(run), scope: describeRunScope(scope), cancelRequested, error, summary: toRunSummaryView(summary, treatmentNames) };
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

/** Runs newest first with their scope, cancellation state and summary; `hasActive` when any run in the whole table is queued or running. */
export async function listRunDetails(
  db: PrismaClient,
  { page, pageSize = RUN_PAGE_SIZE }: { page: number; pageSize?: number },
): Promise<Paginated<RunDetailRow> & { hasActive: boolean }> {
  const [result, active] = await Promise.all([
    paginate({
      page,
      pageSize,
      count: () => db.run.count(),
      fetch: async ({ skip, take }) => {
        const [rows, names] = await Promise.all([db.run.findMany({ orderBy: [...newestFirst], skip, take, select: runDetailSelect }), treatmentNamesOf(db)]);
        return rows.map((row) => toRunDetailRow(row, names));
      },
    }),
    db.run.findFirst({ where: { status: { in: [...ACTIVE_RUN_STATUSES] } }, select: { id: true } }),
  ]);
  return { ...result, hasActive: active !== null };
}

/** One run with its summary; null when no run has this id. */
export async function getRunDetail(db: PrismaClient, id: string): Promise<RunDetailRow | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [row, names] = await Promise.all([db.run.findUnique({ where: { id }, select: runDetailSelect }), treatmentNamesOf(db)]);
  return row ? toRunDetailRow(row, names) : null;
}

export function toRunDetailJson(run: RunDetailRow): RunDetailJson {
  return {
    ...run,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export async function listRecentRuns(db: PrismaClient, limit = RECENT_RUN_LIMIT): Promise<RunRow[]> {
  const rows = await db.run.findMany({ orderBy: [...newestFirst], take: limit, select: runSelect });
  return rows.map(toRunRow);
}

export async function countRuns(db: PrismaClient): Promise<number> {
  return db.run.count();
}
