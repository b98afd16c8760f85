import "server-only";
import { z } from "zod";
import type { PolicyKind, PrismaClient, RunStatus } from "../generated/prisma/client";
import { RecommendationStatus } from "../generated/prisma/enums";
import { IS_LIVE_WORKER_SQL } from "../jobs/heartbeat";
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

export type RunDetailRow = RunRow & {
  /** The run's selection in words ("Segment: family · at most 500 customers"). */
  scope: string;
  cancelRequested: boolean;
  /** Deciding its customers (no capacity taken yet), then allocating capacity over all of them. */
  phase: "deciding" | "allocating";
  /** Customers decided so far (while deciding), or decided before the run stopped. */
  decided: number;
  error: string | null;
  /** Null until the run ends (and for a run that failed before it could summarise). */
  summary: RunSummaryView | null;
  /** Where the run's decisions stand now: reviews, overrides and later runs move them on from what the summary says. */
  decisionsNow: RunDecisionCounts;
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

const runDetailSelect = { ...runSelect, scope: true, cancelRequested: true, phase: true, decided: true, error: true, summary: true } as const;

const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] as const;

function toRunRow({ requestedBy, ...run }: { requestedBy: { name: string } | null } & Omit<RunRow, "requestedBy">): RunRow {
  return { ...run, requestedBy: requestedBy?.name ?? null };
}

const count = z.number().int().nonnegative().catch(0);
/**
 * The part of the orchestrator's stored run summary a screen shows, read defensively: a summary
 * written by an older version keeps what it has and counts the rest as zero.
 */
const storedSummarySchema = z.object({
  /** What the run decided, at the time it decided. */
  byStatus: z.object({ pending_review: count, no_action: count, failed: count }),
  byTreatment: z.record(z.string(), count).catch({}),
  /** Decisions that needed at least one alternative because capacity ran out. */
  fallbacks: count,
  /** Decisions where the model's answers were rejected or it was unavailable, so the rules decided. */
  modelFallbacks: count,
  /** Of those, decisions for which the circuit breaker made no call (the model paused after repeated faults). */
  modelPaused: count,
  /** The circuit breaker over the run: model faults, times it paused, calls it did not make; absent in older summaries. */
  modelBreaker: z.object({ faults: count, pauses: count, skippedCalls: count }).nullable().catch(null),
  /** Decisions of a model run made without asking the model (only no action was allowed). */
  decidedWithoutModel: count,
  /** Earlier pending recommendations this run replaced. */
  supersededEarlier: count,
  failures: z.array(z.object({ customerId: z.string(), reason: z.string() })).catch([]),
  missingCustomers: z.array(z.string()).catch([]),
  modelCalls: count,
  promptTokens: count,
  completionTokens: count,
  /** GBP. */
  expectedValue: z.number().catch(0),
  durationMs: z.number().nonnegative().catch(0),
  isCancelled: z.boolean().catch(false),
});

type StoredRunSummary = z.infer<typeof storedSummarySchema>;

/** What a run's summary says, ready for a screen. */
export type RunSummaryView = Omit<StoredRunSummary, "byTreatment" | "missingCustomers"> & {
  /** Treatments chosen, most chosen first. */
  byTreatment: { key: string; name: string; count: number }[];
  /** The first RUN_FAILURE_LIMIT failures are in `failures`; this counts them all. */
  failureCount: number;
  missingCustomers: number;
};

/** A run's recommendations by their status now, every status present (zero when none). */
export type RunDecisionCounts = Record<RecommendationStatus, number>;

function noDecisions(): RunDecisionCounts {
  return Object.fromEntries(Object.values(RecommendationStatus).map((s) => [s, 0])) as RunDecisionCounts;
}

/** Each run's recommendations counted by current status, in one grouped read; runs without any get zeros. */
export async function countRunDecisions(db: PrismaClient, runIds: readonly string[]): Promise<Map<string, RunDecisionCounts>> {
  const counts = new Map(runIds.map((id) => [id, noDecisions()]));
  if (runIds.length === 0) return counts;
  const groups = await db.recommendation.groupBy({ by: ["runId", "status"], where: { runId: { in: [...runIds] } }, _count: { _all: true } });
  for (const g of groups) {
    const run = counts.get(g.runId);
    if (run) run[g.status] = g._count._all;
  }
  return counts;
}

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
    modelPaused: s.modelPaused,
    modelBreaker: s.modelBreaker,
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
  phase: "deciding" | "allocating";
  decided: number;
  error: string | null;
  summary: unknown;
};

type RunLookups = { treatmentNames: ReadonlyMap<string, string>; decisions: ReadonlyMap<string, RunDecisionCounts> };

function toRunDetailRow({ scope, summary, cancelRequested, phase, decided, error, ...run }: StoredRunDetail, { treatmentNames, decisions }: RunLookups): RunDetailRow {
  return {
    ...toRunRow(run),
    scope: describeRunScope(scope),
    cancelRequested,
    phase,
    decided,
    error,
    summary: toRunSummaryView(summary, treatmentNames),
    decisionsNow: decisions.get(run.id) ?? noDecisions(),
  };
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

/** A worker process alive now, as its heartbeat says (lib/jobs/heartbeat.ts); times as ISO strings, for the screen and the API alike. */
export type LiveWorker = { host: string; pid: number; concurrency: number; hasModel: boolean; startedAt: string; lastSeenAt: string };

/** The worker processes alive now, longest running first. */
export async function listLiveWorkers(db: PrismaClient): Promise<LiveWorker[]> {
  const rows = await db.$queryRawUnsafe<{ host: string; pid: number; concurrency: number; hasModel: boolean; startedAt: Date; lastSeenAt: Date }[]>(
    `SELECT host, pid, concurrency, "hasModel", "startedAt", "lastSeenAt" FROM "WorkerHeartbeat" WHERE ${IS_LIVE_WORKER_SQL} ORDER BY "startedAt", id`,
  );
  return rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString() }));
}

/**
 * Runs newest first with their scope, cancellation state and summary; `hasActive` when any run in
 * the whole table is queued or running (`hasActiveModelRun` when one still deciding asks the
 * language model), and `workers`, the worker processes alive to take them.
 */
export async function listRunDetails(
  db: PrismaClient,
  { page, pageSize = RUN_PAGE_SIZE }: { page: number; pageSize?: number },
): Promise<Paginated<RunDetailRow> & { hasActive: boolean; hasActiveModelRun: boolean; workers: LiveWorker[] }> {
  const [result, active, workers] = await Promise.all([
    paginate({
      page,
      pageSize,
      count: () => db.run.count(),
      fetch: async ({ skip, take }) => {
        const [rows, treatmentNames] = await Promise.all([db.run.findMany({ orderBy: [...newestFirst], skip, take, select: runDetailSelect }), treatmentNamesOf(db)]);
        const decisions = await countRunDecisions(db, rows.map((r) => r.id));
        return rows.map((row) => toRunDetailRow(row, { treatmentNames, decisions }));
      },
    }),
    // The runs in progress (a few at most), read once for both answers.
    db.run.findMany({ where: { status: { in: [...ACTIVE_RUN_STATUSES] } }, select: { phase: true, options: true } }),
    listLiveWorkers(db),
  ]);
  // Still deciding and asking the model (its policy, or an experiment arm's, as decided when it was created): its chunks need a worker with the model.
  const hasActiveModelRun = active.some((r) => r.phase === "deciding" && (r.options as { isModelNeeded?: boolean } | null)?.isModelNeeded === true);
  return { ...result, hasActive: active.length > 0, hasActiveModelRun, workers };
}

/** One run with its summary; null when no run has this id. */
export async function getRunDetail(db: PrismaClient, id: string): Promise<RunDetailRow | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [row, treatmentNames, decisions] = await Promise.all([
    db.run.findUnique({ where: { id }, select: runDetailSelect }),
    treatmentNamesOf(db),
    countRunDecisions(db, [id]),
  ]);
  return row ? toRunDetailRow(row, { treatmentNames, decisions }) : null;
}

export function toRunDetailJson(run: RunDetailRow): RunDetailJson {
  return {
    ...run,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** When each of these runs was created, so a screen can name a run by its start; ids of no run are left out. */
export async function listRunStarts(db: PrismaClient, ids: readonly string[]): Promise<Map<string, Date>> {
  const runIds = [...new Set(ids)].filter((id) => z.uuid().safeParse(id).success);
  if (runIds.length === 0) return new Map();
  const rows = await db.run.findMany({ where: { id: { in: runIds } }, select: { id: true, createdAt: true } });
  return new Map(rows.map((r) => [r.id, r.createdAt]));
}

export async function listRecentRuns(db: PrismaClient, limit = RECENT_RUN_LIMIT): Promise<RunRow[]> {
  const rows = await db.run.findMany({ orderBy: [...newestFirst], take: limit, select: runSelect });
  return rows.map(toRunRow);
}

export async function countRuns(db: PrismaClient): Promise<number> {
  return db.run.count();
}
