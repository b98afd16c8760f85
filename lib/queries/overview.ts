import "server-only";
import { type AllocationOutcome, Prisma, type PrismaClient, type RunStatus } from "../generated/prisma/client";
import { CONTACT_STATUSES_SQL } from "../pipeline/contact-statuses";
import { listResources, type ResourceRow } from "./constraints";
import { countCustomers } from "./customers";
import { countRecommendationsByStatus } from "./recommendations";
import { countRunDecisions, listRecentRuns, type RunDecisionCounts, type RunRow } from "./runs";

/** The business day starts at midnight UK time, whatever the server's zone. */
export const BUSINESS_TIME_ZONE = "Europe/London";
/** Days of recommendations in the treatment mix. */
export const TREATMENT_MIX_DAYS = 7;
/** Days of allocation attempts per day, today included. */
export const ALLOCATION_DAYS = 14;
/** Runs whose outcomes are charted. */
export const RUN_OUTCOME_LIMIT = 8;

export type OverviewKpis = {
  customers: number;
  pendingReviews: number;
  /** Approved or overridden (approved with another treatment) since midnight UK time. */
  approvedToday: number;
  /** Sum of expected lifetime-value change of every approved or overridden recommendation, GBP. */
  approvedExpectedValue: number;
  approvedTotal: number;
};

/** Treatments chosen by the recommendations of the last TREATMENT_MIX_DAYS days (replaced and failed ones left out); "no_action" for none. */
export type TreatmentMixPoint = { key: string; name: string; count: number };

/** Allocation attempts of one UK day ("2026-11-25"), by outcome. */
export type AllocationDayPoint = { day: string } & Record<AllocationOutcome, number>;

/** Where the decisions of one run stand now. */
export type RunOutcomePoint = { runId: string; createdAt: Date; status: RunStatus } & RunDecisionCounts;

export type Overview = {
  kpis: OverviewKpis;
  resources: ResourceRow[];
  treatmentMix: TreatmentMixPoint[];
  allocationsPerDay: AllocationDayPoint[];
  runOutcomes: RunOutcomePoint[];
  recentRuns: RunRow[];
};

const ALLOCATION_OUTCOMES: AllocationOutcome[] = ["held", "confirmed", "released", "denied"];

async function readApproved(db: PrismaClient, now: Date): Promise<{ today: number; total: number; expectedValue: number }> {
  const rows = await db.$queryRaw<{ today: bigint; total: bigint; value: string | null }[]>`
    SELECT count(*) FILTER (WHERE "reviewedAt" >= (date_trunc('day', ${now}::timestamptz AT TIME ZONE ${BUSINESS_TIME_ZONE}) AT TIME ZONE ${BUSINESS_TIME_ZONE})) AS today,
           count(*) AS total,
           sum("expectedValue")::text AS value
      FROM "Recommendation"
     WHERE status IN (${Prisma.raw(CONTACT_STATUSES_SQL)})`;
  const row = rows[0];
  return { today: Number(row?.today ?? 0), total: Number(row?.total ?? 0), expectedValue: Number(row?.value ?? 0) };
}

export async function getTreatmentMix(db: PrismaClient, now: Date = new Date()): Promise<TreatmentMixPoint[]> {
  const since = new Date(now.getTime() - TREATMENT_MIX_DAYS * 86_400_000);
  const rows = await db.$queryRaw<{ key: string; name: string; n: bigint }[]>`
    SELECT coalesce(r."treatmentKey", 'no_action') AS key, coalesce(t.name, 'No action') AS name, count(*) AS n
      FROM "Recommendation" r LEFT JOIN "Treatment" t ON t.key = r."treatmentKey"
     WHERE r."createdAt" >= ${since} AND r.status NOT IN ('failed', 'superseded')
     GROUP BY 1, 2
     ORDER BY n DESC, key`;
  return rows.map((r) => ({ key: r.key, name: r.name, count: Number(r.n) }));
}

/** One point per UK day of the last ALLOCATION_DAYS days, oldest first, empty days included. */
export async function getAllocationsPerDay(db: PrismaClient, now: Date = new Date()): Promise<AllocationDayPoint[]> {
  const rows = await db.$queryRaw<{ day: string; outcome: AllocationOutcome; n: bigint }[]>`
    WITH days AS (
      SELECT generate_series(
        date_trunc('day', ${now}::timestamptz AT TIME ZONE ${BUSINESS_TIME_ZONE}) - make_interval(days => ${ALLOCATION_DAYS - 1}::int),
        date_trunc('day', ${now}::timestamptz AT TIME ZONE ${BUSINESS_TIME_ZONE}),
        interval '1 day') AS day
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, a.outcome, count(a.id) AS n
      FROM days d
      LEFT JOIN "Allocation" a
        ON a."createdAt" >= (d.day AT TIME ZONE ${BUSINESS_TIME_ZONE})
       AND a."createdAt" < ((d.day + interval '1 day') AT TIME ZONE ${BUSINESS_TIME_ZONE})
     GROUP BY 1, 2
     ORDER BY 1`;
  const byDay = new Map<string, AllocationDayPoint>();
  for (const r of rows) {
    const point = byDay.get(r.day) ?? { day: r.day, held: 0, confirmed: 0, released: 0, denied: 0 };
    if (r.outcome && ALLOCATION_OUTCOMES.includes(r.outcome)) point[r.outcome] = Number(r.n);
    byDay.set(r.day, point);
  }
  return [...byDay.values()];
}

/** The last RUN_OUTCOME_LIMIT runs, oldest first, with their recommendations by current status. */
export async function getRunOutcomes(db: PrismaClient): Promise<RunOutcomePoint[]> {
  const runs = await db.run.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: RUN_OUTCOME_LIMIT, select: { id: true, createdAt: true, status: true } });
  if (runs.length === 0) return [];
  const decisions = await countRunDecisions(db, runs.map((r) => r.id));
  return runs.reverse().map((run) => ({ runId: run.id, createdAt: run.createdAt, status: run.status, ...decisions.get(run.id)! }));
}

export async function getOverview(db: PrismaClient, now: Date = new Date()): Promise<Overview> {
  const [customers, byStatus, approved, resources, treatmentMix, allocationsPerDay, runOutcomes, recentRuns] = await Promise.all([
    countCustomers(db),
    countRecommendationsByStatus(db),
    readApproved(db, now),
    listResources(db),
    getTreatmentMix(db, now),
    getAllocationsPerDay(db, now),
    getRunOutcomes(db),
    listRecentRuns(db),
  ]);
  return {
    kpis: {
      customers,
      pendingReviews: byStatus.pending_review,
      approvedToday: approved.today,
      approvedTotal: approved.total,
      approvedExpectedValue: approved.expectedValue,
    },
    resources,
    treatmentMix,
    allocationsPerDay,
    runOutcomes,
    recentRuns,
  };
}
