import "server-only";
import { Prisma, type AllocationOutcome, type PrismaClient } from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";

// Days are the business's days: UK time, like every date the screens show.
const TIME_ZONE = "Europe/London";
const DAY_MS = 86_400_000;
export const SERIES_DEFAULT_DAYS = 30;
export const SERIES_MAX_DAYS = 180;

export type AllocationRow = {
  id: string;
  resource: { key: string; name: string };
  treatment: { key: string; name: string };
  customer: { id: string; name: string };
  outcome: AllocationOutcome;
  units: number;
  reason: string;
  priority: number;
  isHighValue: boolean;
  usedReserve: boolean;
  createdAt: Date;
};

export type AllocationFilters = {
  resourceKey?: string;
  treatmentKey?: string;
  outcome?: AllocationOutcome;
  /** First day included, `YYYY-MM-DD` in UK time. */
  from?: string;
  /** Last day included, `YYYY-MM-DD` in UK time. */
  to?: string;
};

const offsetFormat = new Intl.DateTimeFormat("en-GB", { timeZone: TIME_ZONE, timeZoneName: "longOffset" });

/** Minutes UK time is ahead of UTC at `instant` (0 in winter, 60 in summer). */
function ukOffsetMinutes(instant: Date): number {
  const name = offsetFormat.formatToParts(instant).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The instant a UK day `YYYY-MM-DD` begins. UK clocks change at 01:00 UTC, so midnight is never skipped or doubled. */
export function ukDayStart(day: string): Date {
  const utcMidnight = new Date(`${day}T00:00:00Z`);
  return new Date(utcMidnight.getTime() - ukOffsetMinutes(utcMidnight) * 60_000);
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The UK calendar day of `instant`. */
export function ukDay(instant: Date): string {
  return new Date(instant.getTime() + ukOffsetMinutes(instant) * 60_000).toISOString().slice(0, 10);
}

function allocationWhere(f: AllocationFilters): Prisma.AllocationWhereInput {
  const where: Prisma.AllocationWhereInput = {};
  if (f.resourceKey) where.resourceKey = f.resourceKey;
  if (f.treatmentKey) where.treatmentKey = f.treatmentKey;
  if (f.outcome) where.outcome = f.outcome;
  if (f.from || f.to) {
    where.createdAt = {
      ...(f.from ? { gte: ukDayStart(f.from) } : {}),
      ...(f.to ? { lt: ukDayStart(addDays(f.to, 1)) } : {}),
    };
  }
  return where;
}

/** Allocation history matching `filters`, newest first. */
export async function listAllocations(
  db: PrismaClient,
  { page, pageSize, filters = {} }: { page: number; pageSize?: number; filters?: AllocationFilters },
): Promise<Paginated<AllocationRow>> {
  const where = allocationWhere(filters);
  return paginate({
    page,
    pageSize,
    count: () => db.allocation.count({ where }),
    fetch: async ({ skip, take }) => {
      const rows = await db.allocation.findMany({
        where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip,
        take,
        select: {
          id: true,
          resource: { select: { key: true, name: true } },
          treatment: { select: { key: true, name: true } },
          customer: { select: { id: true, name: true } },
          outcome: true,
          units: true,
          reason: true,
          priority: true,
          isHighValue: true,
          usedReserve: true,
          createdAt: true,
        },
      });
      return rows.map((r) => ({ ...r, id: r.id.toString() }));
    },
  });
}

export type Option = { key: string; name: string };

/** Resources, and treatments that consume one, for the history's filters. */
export async function listAllocationFilterOptions(db: PrismaClient): Promise<{ resources: Option[]; treatments: Option[] }> {
  const [resources, treatments] = await Promise.all([
    db.resourceConstraint.findMany({ orderBy: { name: "asc" }, select: { key: true, name: true } }),
    db.treatment.findMany({ where: { resourceKey: { not: null } }, orderBy: { name: "asc" }, select: { key: true, name: true } }),
  ]);
  return { resources, treatments };
}

/** One bucket (a UK day, or a UK hour on short ranges) of one resource (or of all, when `resourceKey` is null): attempts by outcome. */
export type AllocationDay = {
  /** The bucket's start in UK time: `YYYY-MM-DD` for a day, `YYYY-MM-DDTHH:00` for an hour. */
  day: string;
  resourceKey: string | null;
  held: number;
  confirmed: number;
  released: number;
  denied: number;
  /** denied ÷ (held + denied): the share of requests for capacity refused in the bucket; null without requests. */
  denialRate: number | null;
};

/** Ranges up to this many days are charted by the hour: a day's work as 24 bars, not one. */
export const SERIES_HOURLY_MAX_DAYS = 2;

export type AllocationSeries = {
  from: string;
  to: string;
  /** Hours when the range is at most SERIES_HOURLY_MAX_DAYS days, else days. */
  bucket: "hour" | "day";
  /** True when the asked range was longer than SERIES_MAX_DAYS and only its last days are charted. */
  isTruncated: boolean;
  /** Every bucket from `from` to `to` for every resource with history in it, and for all together (null key), zeros included. */
  days: AllocationDay[];
};

/**
 * The days to chart: the asked range (at most SERIES_MAX_DAYS, ending at `to`). Without dates, up to
 * the day of the latest matching attempt, from the day of the earliest but at most 30 days back, so
 * a single day's work fills the chart by the hour.
 */
async function seriesRange(db: PrismaClient, filters: AllocationFilters): Promise<{ from: string; to: string; isTruncated: boolean }> {
  let { from, to } = filters;
  if (!to || !from) {
    const where = allocationWhere({ ...filters, outcome: undefined });
    const span = await db.allocation.aggregate({ where, _min: { createdAt: true }, _max: { createdAt: true } });
    to ??= ukDay(span._max.createdAt ?? new Date());
    if (!from) {
      const monthBack = addDays(to, -(SERIES_DEFAULT_DAYS - 1));
      const earliest = span._min.createdAt ? ukDay(span._min.createdAt) : to;
      from = earliest < monthBack ? monthBack : earliest > to ? to : earliest;
    }
  }
  const earliest = addDays(to, -(SERIES_MAX_DAYS - 1));
  return from < earliest ? { from: earliest, to, isTruncated: true } : { from, to, isTruncated: false };
}

/** Days from `from` to `to`, both included. */
const daysIn = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

type SeriesRow = { day: string; resourceKey: string | null; held: number; confirmed: number; released: number; denied: number; denialRate: number | null };

/**
 * Attempts per UK day (per UK hour on ranges of at most SERIES_HOURLY_MAX_DAYS days) by outcome, per
 * resource and for all resources, over the filters' date range (resource and treatment filters
 * apply; outcome does not, since the series splits by it).
 */
export async function getAllocationSeries(db: PrismaClient, filters: AllocationFilters = {}): Promise<AllocationSeries> {
  const range = await seriesRange(db, filters);
  const bucket = daysIn(range.from, range.to) <= SERIES_HOURLY_MAX_DAYS ? "hour" : "day";
  const label = bucket === "hour" ? `YYYY-MM-DD"T"HH24:00` : "YYYY-MM-DD";
  const lastStart = bucket === "hour" ? `${range.to} 23:00` : `${range.to} 00:00`;
  const conditions = [
    // "createdAt" holds UTC without a zone: compare it with UTC instants whatever the session's zone.
    Prisma.sql`"createdAt" >= (${ukDayStart(range.from).toISOString()}::timestamptz AT TIME ZONE 'UTC')`,
    Prisma.sql`"createdAt" < (${ukDayStart(addDays(range.to, 1)).toISOString()}::timestamptz AT TIME ZONE 'UTC')`,
    ...(filters.resourceKey ? [Prisma.sql`"resourceKey" = ${filters.resourceKey}`] : []),
    ...(filters.treatmentKey ? [Prisma.sql`"treatmentKey" = ${filters.treatmentKey}`] : []),
  ];
  const rows = await db.$queryRaw<SeriesRow[]>`
    WITH scoped AS (
      SELECT date_trunc(${bucket}, ("createdAt" AT TIME ZONE 'UTC') AT TIME ZONE ${TIME_ZONE}) AS day, "resourceKey", outcome
        FROM "Allocation"
       WHERE ${Prisma.join(conditions, " AND ")}
    ),
    counts AS (
      SELECT day, "resourceKey",
             count(*) FILTER (WHERE outcome = 'held') AS held,
             count(*) FILTER (WHERE outcome = 'confirmed') AS confirmed,
             count(*) FILTER (WHERE outcome = 'released') AS released,
             count(*) FILTER (WHERE outcome = 'denied') AS denied
        FROM scoped
       GROUP BY GROUPING SETS ((day, "resourceKey"), (day))
    ),
    days AS (SELECT d AS day FROM generate_series(${range.from}::timestamp, ${lastStart}::timestamp, ${`1 ${bucket}`}::interval) AS d),
    keys AS (SELECT DISTINCT "resourceKey" FROM scoped UNION ALL SELECT NULL)
    SELECT to_char(days.day, ${label}) AS day, keys."resourceKey",
           coalesce(c.held, 0)::int AS held, coalesce(c.confirmed, 0)::int AS confirmed,
           coalesce(c.released, 0)::int AS released, coalesce(c.denied, 0)::int AS denied,
           (c.denied::float8 / nullif(c.held + c.denied, 0)) AS "denialRate"
      FROM days CROSS JOIN keys
      LEFT JOIN counts c ON c.day = days.day AND c."resourceKey" IS NOT DISTINCT FROM keys."resourceKey"
     ORDER BY keys."resourceKey" NULLS FIRST, days.day`;
  return { ...range, bucket, days: rows };
}

/** A parameterised statement for node-postgres. */
export type SqlQuery = { text: string; values: unknown[] };

/** How exports write a stored UTC time ("createdAt" has no zone): ISO 8601 with Z. */
export const ISO_UTC = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export type AllocationExportRow = {
  id: string;
  createdAt: string;
  resourceKey: string;
  resourceName: string;
  treatmentKey: string;
  treatmentName: string;
  customerId: string;
  customerName: string;
  outcome: AllocationOutcome;
  units: number;
  priority: number;
  isHighValue: boolean;
  usedReserve: boolean;
  reason: string;
};

/** Every attempt matching `filters`, newest first as on the screen, for a cursor (lib/export). */
export function allocationExportQuery(f: AllocationFilters): SqlQuery {
  const values: unknown[] = [];
  const conditions: string[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (f.resourceKey) conditions.push(`a."resourceKey" = ${param(f.resourceKey)}`);
  if (f.treatmentKey) conditions.push(`a."treatmentKey" = ${param(f.treatmentKey)}`);
  if (f.outcome) conditions.push(`a.outcome = ${param(f.outcome)}::"AllocationOutcome"`);
  if (f.from) conditions.push(`a."createdAt" >= (${param(ukDayStart(f.from).toISOString())}::timestamptz AT TIME ZONE 'UTC')`);
  if (f.to) conditions.push(`a."createdAt" < (${param(ukDayStart(addDays(f.to, 1)).toISOString())}::timestamptz AT TIME ZONE 'UTC')`);
  const text = `
    SELECT a.id::text AS id, ${ISO_UTC('a."createdAt"')} AS "createdAt",
           a."resourceKey", r.name AS "resourceName", a."treatmentKey", t.name AS "treatmentName",
           a."customerId", c.name AS "customerName", a.outcome::text AS outcome, a.units, a.priority,
           a."isHighValue", a."usedReserve", a.reason
      FROM "Allocation" a
      JOIN "ResourceConstraint" r ON r.key = a."resourceKey"
      JOIN "Treatment" t ON t.key = a."treatmentKey"
      JOIN "Customer" c ON c.id = a."customerId"
     ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
     ORDER BY a."createdAt" DESC, a.id DESC`;
  return { text, values };
}
