import "server-only";
import type pg from "pg";
import { Prisma } from "../generated/prisma/client";
import { type SavedSegment, loadSegment, loadSegments, recordSegmentSize, segmentWhere } from "../pipeline/segments";

export { segmentWhere } from "../pipeline/segments";
export type { SavedSegment } from "../pipeline/segments";

/**
 * `segmentWhere` as a Prisma fragment: the stored members of `segment`, where `customerId` is the
 * SQL of the customer id column in the caller's query (e.g. Prisma.sql`c.id`). One key probe per row.
 */
export function segmentSql(segment: Pick<SavedSegment, "id">, customerId: string): Prisma.Sql {
  const params: unknown[] = [];
  const text = segmentWhere(segment, { customerId, params });
  const parts = text.split(/\$(\d+)/);
  const strings: string[] = [];
  const values: unknown[] = [];
  parts.forEach((part, i) => (i % 2 === 0 ? strings.push(part) : values.push(params[Number(part) - 1])));
  return new Prisma.Sql(strings, values);
}

export type SegmentListItem = {
  id: string;
  name: string;
  kind: "rule" | "found";
  /** "<what it holds>: 312 customers, churn risk 48%" as last counted. */
  description: string;
  size: number;
  /** Mean churn risk of the members in [0, 1]; null when empty. */
  churnRisk: number | null;
  /** Size per day, oldest first, over the last 30 days with a count. */
  trend: { day: string; size: number }[];
};

/**
 * Every saved segment with its profile and trend. A segment not counted today is counted now, so
 * the list is current and each day has a point.
 */
export async function listSegmentsWithTrend(pool: pg.Pool): Promise<SegmentListItem[]> {
  const segments = await loadSegments(pool);
  const { rows: counted } = await pool.query<{ segmentId: string }>(`SELECT "segmentId" FROM "SegmentSize" WHERE day = current_date`);
  const isCountedToday = new Set(counted.map((r) => r.segmentId));
  for (const s of segments) if (!isCountedToday.has(s.id)) await recordSegmentSize(pool, s);
  const { rows } = await pool.query<{ segmentId: string; day: string; size: number; churnRisk: number | null }>(
    `SELECT "segmentId", to_char(day, 'YYYY-MM-DD') AS day, size, "churnRisk" FROM "SegmentSize" WHERE day > current_date - 30 ORDER BY day`,
  );
  const bySegment = new Map<string, typeof rows>();
  for (const r of rows) bySegment.set(r.segmentId, [...(bySegment.get(r.segmentId) ?? []), r]);
  return segments.map((s) => {
    const points = bySegment.get(s.id) ?? [];
    const last = points.at(-1);
    return { id: s.id, name: s.name, kind: s.kind, description: s.description, size: last?.size ?? 0, churnRisk: last?.churnRisk ?? null, trend: points.map((p) => ({ day: p.day, size: p.size })) };
  });
}

/** Names and ids for the filters and the run form. */
export async function listSegmentChoices(pool: pg.Pool): Promise<{ id: string; name: string; size: number | null }[]> {
  const { rows } = await pool.query<{ id: string; name: string; size: number | null }>(
    `SELECT s.id, s.name, (SELECT z.size FROM "SegmentSize" z WHERE z."segmentId" = s.id ORDER BY z.day DESC LIMIT 1) AS size FROM "Segment" s ORDER BY s.name`,
  );
  return rows;
}

export async function getSegment(pool: pg.Pool, id: string): Promise<SavedSegment | null> {
  return loadSegment(pool, id);
}
