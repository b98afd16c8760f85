// Saved segments: what a segment's rule or found model means in SQL over the stored insights, and
// keeping, counting and finding them. Plain node-postgres so that runs and the command line share it.
import type pg from "pg";
import { z } from "zod";
import { patternKeys, valueTiers } from "../agents/domain";
import { createSegmentationAgent } from "../agents/segmentation/segmentation-agent";
import type { SegmentCustomer, SegmentModel } from "../agents/segmentation/messages";
import { segmentFeatures } from "../agents/segmentation/messages";
import type { Actor } from "../auth/roles";
import { writeAudit } from "../audit/write";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
import { type SegmentMetric, segmentMetrics } from "./segment-metrics";

export { type SegmentMetric, segmentMetrics } from "./segment-metrics";

const metricKeys = Object.keys(segmentMetrics) as [SegmentMetric, ...SegmentMetric[]];

const finite = z.number().finite();

/** A rule segment: customers whose stored insight meets every condition given. */
export const segmentRuleSchema = z
  .object({
    /** Shows every one of these patterns. */
    patterns: z.array(z.enum(patternKeys)).max(patternKeys.length).optional(),
    /** Churn risk band in [0, 1], both ends included. */
    minRisk: finite.min(0).max(1).optional(),
    maxRisk: finite.min(0).max(1).optional(),
    valueTiers: z.array(z.enum(valueTiers)).min(1).max(valueTiers.length).optional(),
    minTenureMonths: z.number().int().min(0).max(1200).optional(),
    maxTenureMonths: z.number().int().min(0).max(1200).optional(),
    regions: z.array(z.string().trim().min(1).max(100)).min(1).max(50).optional(),
    /** Any other stored metric, bounded from below or above. */
    metrics: z.array(z.object({ metric: z.enum(metricKeys), op: z.enum(["gte", "lte"]), value: finite })).max(20).optional(),
  })
  .strict()
  .refine((r) => Object.values(r).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0)), "A segment needs at least one condition")
  .refine((r) => r.minRisk === undefined || r.maxRisk === undefined || r.minRisk <= r.maxRisk, { message: "The lowest risk must not exceed the highest", path: ["maxRisk"] })
  .refine((r) => r.minTenureMonths === undefined || r.maxTenureMonths === undefined || r.minTenureMonths <= r.maxTenureMonths, {
    message: "The shortest tenure must not exceed the longest",
    path: ["maxTenureMonths"],
  });
export type SegmentRule = z.infer<typeof segmentRuleSchema>;

export const segmentModelSchema = z.object({
  features: z.array(z.enum(segmentFeatures)).length(segmentFeatures.length),
  means: z.array(finite).length(segmentFeatures.length),
  scales: z.array(finite.positive()).length(segmentFeatures.length),
  centroids: z.array(z.array(finite).length(segmentFeatures.length)).min(1).max(20),
});

export type SavedSegment =
  | { id: string; name: string; kind: "rule"; rule: SegmentRule; description: string }
  | { id: string; name: string; kind: "found"; model: SegmentModel; modelIndex: number; description: string };

type Queryable = Pick<pg.ClientBase, "query">;

/** A number written into SQL: only finite numbers validated above reach here, so the text is a plain literal. */
function literal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return `(${n.toString()})::float8`;
}

/** Each segmentation feature as SQL over the insight alias `si`, in the units features.ts reads it. */
const featureSql: Record<(typeof segmentFeatures)[number], string> = {
  lifetimeValue: `ln(1 + greatest(0, si."lifetimeValue"::float8))`,
  monthlyRevenue: `si."monthlyRevenue"::float8`,
  churnRisk: `si."churnRisk"`,
  usageTrend: `coalesce(si."usageTrend", 0)`,
  revenueTrend: `coalesce(si."revenueTrend", 0)`,
  tenureMonths: `si."tenureMonths"::float8`,
  complaintsLast90Days: `si."complaintsLast90Days"::float8`,
  priceSensitive: `(CASE WHEN si.patterns @> ARRAY['price_sensitive']::text[] THEN 1 ELSE 0 END)::float8`,
};

function insightConditions(segment: SavedSegment, params: unknown[]): string[] {
  if (segment.kind === "found") {
    const { model, modelIndex } = segment;
    // Each standardised feature is worked out once per customer (a row of z0..z7), then every centre's
    // squared distance summed in feature order with d * d, as squaredDistance does in code.
    const z = segmentFeatures.map((f, j) => `((${featureSql[f]} - ${literal(model.means[j]!)}) / ${literal(model.scales[j]!)}) AS z${j}`);
    const distance = (centroid: number[]) => centroid.map((c, j) => `(z.z${j} - ${literal(c)}) * (z.z${j} - ${literal(c)})`).join(" + ");
    const own = distance(model.centroids[modelIndex]!);
    // The nearest centre, ties to the lower index, as assign_segment places a customer.
    const nearest = model.centroids.flatMap((c, i) => (i === modelIndex ? [] : [`(${own}) ${i < modelIndex ? "<" : "<="} (${distance(c)})`]));
    return nearest.length ? [`(SELECT ${nearest.join(" AND ")} FROM (SELECT ${z.join(", ")}) z)`] : [];
  }
  const r = segment.rule;
  const out: string[] = [];
  if (r.patterns?.length) out.push(`si.patterns @> $${params.push(r.patterns)}::text[]`);
  if (r.minRisk !== undefined) out.push(`si."churnRisk" >= $${params.push(r.minRisk)}`);
  if (r.maxRisk !== undefined) out.push(`si."churnRisk" <= $${params.push(r.maxRisk)}`);
  if (r.valueTiers?.length) out.push(`si."valueTier" = ANY($${params.push(r.valueTiers)}::"ValueTier"[])`);
  if (r.minTenureMonths !== undefined) out.push(`si."tenureMonths" >= $${params.push(r.minTenureMonths)}`);
  if (r.maxTenureMonths !== undefined) out.push(`si."tenureMonths" <= $${params.push(r.maxTenureMonths)}`);
  if (r.regions?.length) out.push(`EXISTS (SELECT 1 FROM "Customer" sc WHERE sc.id = si."customerId" AND sc.region = ANY($${params.push(r.regions)}::text[]))`);
  for (const m of r.metrics ?? []) out.push(`si.${segmentMetrics[m.metric].column} ${m.op === "gte" ? ">=" : "<="} $${params.push(m.value)}`);
  return out;
}

/**
 * SQL predicate over the insight alias `si` (and its customer): "this insight's customer belongs to
 * `segment`" as its rule or found model reads the stored metrics now, pushing values onto `params`.
 * It is what the stored members are written from; lists and scopes read the members instead.
 */
function computedMembershipSql(segment: SavedSegment, params: unknown[]): string {
  const conditions = insightConditions(segment, params);
  return conditions.length ? conditions.join(" AND ") : "true";
}

/**
 * SQL predicate "the customer whose id is the SQL expression `customerId` belongs to `segment`",
 * pushing its values onto `params` (placeholders continue from params' length). Reads the stored
 * members (one probe of SegmentMember's key), so a page walks its own index and stops early.
 */
export function segmentWhere(segment: Pick<SavedSegment, "id">, opts: { customerId: string; params: unknown[] }): string {
  return `EXISTS (SELECT 1 FROM "SegmentMember" sm WHERE sm."segmentId" = $${opts.params.push(segment.id)}::uuid AND sm."customerId" = ${opts.customerId})`;
}

/**
 * Advisory lock key of "segment members are being written": a segment's save holds it exclusively
 * while it writes every member, storing insights holds it shared while it places its customers, so
 * a customer refreshed while a segment is saved is placed by whichever commits last. Saving,
 * changing and deleting take it before touching the segment's row: storing insights checks that
 * row's key while holding the lock shared, so the other order could deadlock.
 */
export const SEGMENT_MEMBERS_LOCK_KEY = 7_204_318;

async function lockSegmentMembers(client: Queryable): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock($1)`, [SEGMENT_MEMBERS_LOCK_KEY]);
}

/** Replaces the stored members of `segment` with the customers its rule or model places there now, in one INSERT … SELECT. */
export async function writeSegmentMembers(client: Queryable, segment: SavedSegment): Promise<void> {
  await lockSegmentMembers(client);
  await client.query(`DELETE FROM "SegmentMember" WHERE "segmentId" = $1`, [segment.id]);
  const params: unknown[] = [segment.id];
  await client.query(`INSERT INTO "SegmentMember" ("segmentId", "customerId") SELECT $1::uuid, si."customerId" FROM "CustomerInsight" si WHERE ${computedMembershipSql(segment, params)}`, params);
}

/**
 * Places `customerIds` again in every saved segment from their stored insights, inside the caller's
 * transaction (the one that stored the insights), so members never disagree with the insight committed.
 */
export async function placeCustomersInSegments(client: Queryable, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await client.query(`SELECT pg_advisory_xact_lock_shared($1)`, [SEGMENT_MEMBERS_LOCK_KEY]);
  const segments = await loadSegments(client);
  await client.query(`DELETE FROM "SegmentMember" WHERE "customerId" = ANY($1::text[])`, [customerIds]);
  if (segments.length === 0) return;
  const params: unknown[] = [customerIds];
  const selects = segments.map(
    (s) => `SELECT $${params.push(s.id)}::uuid, si."customerId" FROM "CustomerInsight" si WHERE si."customerId" = ANY($1::text[]) AND ${computedMembershipSql(s, params)}`,
  );
  await client.query(`INSERT INTO "SegmentMember" ("segmentId", "customerId") ${selects.join(" UNION ALL ")}`, params);
}

type SegmentRow = { id: string; name: string; kind: "rule" | "found"; rule: unknown; model: unknown; modelIndex: number | null; description: string };

function fromRow(row: SegmentRow): SavedSegment {
  if (row.kind === "rule") return { id: row.id, name: row.name, kind: "rule", rule: segmentRuleSchema.parse(row.rule), description: row.description };
  return { id: row.id, name: row.name, kind: "found", model: segmentModelSchema.parse(row.model), modelIndex: row.modelIndex ?? 0, description: row.description };
}

const SEGMENT_COLUMNS = `id, name, kind::text AS kind, rule, model, "modelIndex", description`;

/** The saved segment with this id, or null when there is none (or the id is not a uuid). */
export async function loadSegment(pool: Queryable, id: string): Promise<SavedSegment | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const { rows } = await pool.query<SegmentRow>(`SELECT ${SEGMENT_COLUMNS} FROM "Segment" WHERE id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function loadSegments(pool: Queryable): Promise<SavedSegment[]> {
  const { rows } = await pool.query<SegmentRow>(`SELECT ${SEGMENT_COLUMNS} FROM "Segment" ORDER BY name`);
  return rows.map(fromRow);
}

/** Stored members of `segment` and their mean churn risk (null when empty). */
export async function countSegment(pool: Queryable, segment: Pick<SavedSegment, "id">): Promise<{ size: number; churnRisk: number | null }> {
  const { rows } = await pool.query<{ size: number; risk: number | null }>(
    `SELECT count(*)::int AS size, avg(i."churnRisk") AS risk FROM "SegmentMember" sm JOIN "CustomerInsight" i ON i."customerId" = sm."customerId" WHERE sm."segmentId" = $1`,
    [segment.id],
  );
  return { size: rows[0]?.size ?? 0, churnRisk: rows[0]?.risk ?? null };
}

/** Counts `segment` and keeps the count as today's point of its trend (the day's last count stands). */
export async function recordSegmentSize(pool: Queryable, segment: Pick<SavedSegment, "id">): Promise<{ size: number; churnRisk: number | null }> {
  const counted = await countSegment(pool, segment);
  await pool.query(
    `INSERT INTO "SegmentSize" ("segmentId", day, size, "churnRisk") VALUES ($1, current_date, $2, $3)
     ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size, "churnRisk" = EXCLUDED."churnRisk"`,
    [segment.id, counted.size, counted.churnRisk],
  );
  return counted;
}

/** Counts every saved segment for today's trend point; for after imports, runs and insight refreshes. */
export async function recordAllSegmentSizes(pool: Queryable): Promise<number> {
  const segments = await loadSegments(pool);
  for (const s of segments) await recordSegmentSize(pool, s);
  return segments.length;
}

export const segmentNameSchema = z.string().trim().min(2, "Give the segment a name of at least 2 characters").max(80, "At most 80 characters");

export type NewSegment =
  | { name: string; kind: "rule"; rule: SegmentRule }
  | { name: string; kind: "found"; model: SegmentModel; modelIndex: number; description: string };

function describeRule(rule: SegmentRule): string {
  const parts: string[] = [];
  if (rule.patterns?.length) parts.push(rule.patterns.map((p) => p.replaceAll("_", " ")).join(" and "));
  if (rule.minRisk !== undefined || rule.maxRisk !== undefined) parts.push(`churn risk ${Math.round((rule.minRisk ?? 0) * 100)}–${Math.round((rule.maxRisk ?? 1) * 100)}%`);
  if (rule.valueTiers?.length) parts.push(`${rule.valueTiers.join("/")} value`);
  if (rule.minTenureMonths !== undefined || rule.maxTenureMonths !== undefined) parts.push(`tenure ${rule.minTenureMonths ?? 0}–${rule.maxTenureMonths ?? "any"} months`);
  if (rule.regions?.length) parts.push(`in ${rule.regions.join(", ")}`);
  for (const m of rule.metrics ?? []) parts.push(`${segmentMetrics[m.metric].label.toLowerCase()} ${m.op === "gte" ? "≥" : "≤"} ${m.value}`);
  return parts.join(", ");
}

/** A segment's profile sentence from its current count: "<what it holds>: 312 customers, churn risk 48%". */
export function profileSentence(segment: Pick<SavedSegment, "kind" | "description"> & { rule?: SegmentRule }, counted: { size: number; churnRisk: number | null }): string {
  const what = segment.kind === "rule" && segment.rule ? describeRule(segment.rule) : segment.description.split(":")[0]!;
  const risk = counted.churnRisk === null ? "" : `, churn risk ${Math.round(counted.churnRisk * 100)}%`;
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${counted.size.toLocaleString("en-GB")} customer${counted.size === 1 ? "" : "s"}${risk}`;
}

function duplicateName(err: unknown): boolean {
  return (err as { code?: string }).code === "23505";
}

/** Saves a segment, its members, its first trend point and its audit entry in one transaction; a taken name is a conflict. */
export async function createSegment(pool: pg.Pool, opts: { segment: NewSegment; actor: Pick<Actor, "id" | "label"> }): Promise<SavedSegment> {
  const s = opts.segment;
  try {
    return await withTransaction(pool, async (client) => {
      await lockSegmentMembers(client);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO "Segment" (id, name, kind, rule, model, "modelIndex", description, "createdById", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2::"SegmentKind", $3, $4, $5, $6, $7, now()) RETURNING id`,
        [s.name, s.kind, s.kind === "rule" ? JSON.stringify(s.rule) : null, s.kind === "found" ? JSON.stringify(s.model) : null, s.kind === "found" ? s.modelIndex : null, "", opts.actor.id],
      );
      const id = rows[0]!.id;
      const saved: SavedSegment = s.kind === "rule" ? { id, name: s.name, kind: "rule", rule: s.rule, description: "" } : { id, ...s };
      await writeSegmentMembers(client, saved);
      const counted = await recordSegmentSize(client, saved);
      saved.description = profileSentence(saved, counted);
      await client.query(`UPDATE "Segment" SET description = $2 WHERE id = $1`, [id, saved.description]);
      await writeAudit(client, { actor: opts.actor, action: "segment.create", entityType: "Segment", entityId: id, before: null, after: auditView(saved, counted.size) });
      return saved;
    });
  } catch (err) {
    if (duplicateName(err)) throw new AppError({ code: "conflict", userMessage: `A segment named "${s.name}" already exists.` });
    throw err;
  }
}

function auditView(s: SavedSegment, size: number) {
  return s.kind === "rule" ? { name: s.name, kind: s.kind, rule: s.rule, size } : { name: s.name, kind: s.kind, modelIndex: s.modelIndex, description: s.description, size };
}

/** Renames a segment and, for a rule segment, replaces its rule and its members (a found segment's rule is refused); audited with before and after (each with its size). */
export async function updateSegment(pool: pg.Pool, opts: { id: string; name: string; rule?: SegmentRule; actor: Pick<Actor, "id" | "label"> }): Promise<SavedSegment> {
  try {
    return await withTransaction(pool, async (client) => {
      await lockSegmentMembers(client);
      const before = await loadSegmentForUpdate(client, opts.id);
      if (before.kind === "found" && opts.rule !== undefined) {
        throw new AppError({ code: "invalid_input", userMessage: "A found segment has no rule to edit: its members are the customers nearest its group's centre. Save a rule segment instead." });
      }
      const sizeBefore = (await countSegment(client, before)).size;
      const isRuleChanged = before.kind === "rule" && opts.rule !== undefined && JSON.stringify(opts.rule) !== JSON.stringify(before.rule);
      const after: SavedSegment = before.kind === "rule" ? { ...before, name: opts.name, rule: opts.rule ?? before.rule } : { ...before, name: opts.name };
      await client.query(`UPDATE "Segment" SET name = $2, rule = $3, "updatedAt" = now() WHERE id = $1`, [opts.id, after.name, after.kind === "rule" ? JSON.stringify(after.rule) : null]);
      if (isRuleChanged) await writeSegmentMembers(client, after);
      const counted = await recordSegmentSize(client, after);
      after.description = profileSentence(after, counted);
      await client.query(`UPDATE "Segment" SET description = $2 WHERE id = $1`, [opts.id, after.description]);
      await writeAudit(client, { actor: opts.actor, action: "segment.update", entityType: "Segment", entityId: opts.id, before: auditView(before, sizeBefore), after: auditView(after, counted.size) });
      return after;
    });
  } catch (err) {
    if (duplicateName(err)) throw new AppError({ code: "conflict", userMessage: `A segment named "${opts.name}" already exists.` });
    throw err;
  }
}

async function loadSegmentForUpdate(client: Queryable, id: string): Promise<SavedSegment> {
  if (!z.uuid().safeParse(id).success) throw new AppError({ code: "not_found", userMessage: "This segment does not exist." });
  const { rows } = await client.query<SegmentRow>(`SELECT ${SEGMENT_COLUMNS} FROM "Segment" WHERE id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw new AppError({ code: "not_found", userMessage: "This segment does not exist." });
  return fromRow(rows[0]);
}

/** Deletes a segment and its trend; runs that used it keep their customers (a run stores its scope as asked). */
export async function deleteSegment(pool: pg.Pool, opts: { id: string; actor: Pick<Actor, "id" | "label"> }): Promise<void> {
  await withTransaction(pool, async (client) => {
    await lockSegmentMembers(client);
    const before = await loadSegmentForUpdate(client, opts.id);
    await client.query(`DELETE FROM "Segment" WHERE id = $1`, [opts.id]);
    await writeAudit(client, { actor: opts.actor, action: "segment.delete", entityType: "Segment", entityId: opts.id, before: auditView(before, 0), after: null });
  });
}

export type FoundGroup = { index: number; name: string; description: string; size: number; share: number; churnRisk: number; lifetimeValue: number };
export type FoundSegments = { model: SegmentModel; k: number; criterion: string; segmented: number; analysed: number; groups: FoundGroup[] };

/** Customers segmented at most: beyond it a deterministic sample (by a hash of id and seed) stands for everyone. */
export const FIND_SAMPLE_LIMIT = 100_000;

/**
 * Runs segment_customers over the stored insights (all of them up to `limit`, else a sample chosen
 * by a hash of id and `seed`, so the same seed and data give the same groups) and describes each
 * group. Null when fewer than 20 customers have been analysed.
 */
export async function findSegments(pool: Queryable, opts: { seed: number; limit?: number }): Promise<FoundSegments | null> {
  const limit = opts.limit ?? FIND_SAMPLE_LIMIT;
  const { rows: total } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "CustomerInsight"`);
  const analysed = total[0]?.n ?? 0;
  if (analysed < 20) return null;
  const customers = await loadSegmentCustomers(pool, { seed: opts.seed, limit: analysed > limit ? limit : undefined });
  const agent = createSegmentationAgent();
  const found = await agent.process({ type: "segment_customers", customers, seed: opts.seed });
  if (!found.ok || found.type !== "segment_customers") throw new Error(found.ok ? "unexpected answer" : found.error.reason);
  const groups: FoundGroup[] = [];
  for (const profile of found.data.segments) {
    const described = await agent.process({ type: "describe_segment", segment: profile });
    if (!described.ok || described.type !== "describe_segment") throw new Error(described.ok ? "unexpected answer" : described.error.reason);
    groups.push({ index: profile.index, name: described.data.name, description: described.data.description, size: profile.size, share: profile.share, churnRisk: profile.churnRisk, lifetimeValue: profile.lifetimeValue });
  }
  return { model: found.data.model, k: found.data.k, criterion: found.data.criterion, segmented: customers.length, analysed, groups };
}

/** Stored insights as the Segmentation agent reads them; with `limit`, a sample ordered by a hash of id and seed. */
export async function loadSegmentCustomers(pool: Queryable, opts: { seed: number; limit?: number }): Promise<SegmentCustomer[]> {
  const params: unknown[] = [];
  const sample = opts.limit ? ` ORDER BY md5("customerId" || ':' || $${params.push(String(opts.seed))}) LIMIT $${params.push(opts.limit)}` : "";
  const { rows } = await pool.query<{
    customerId: string;
    churnRisk: number;
    lifetimeValue: string;
    monthlyRevenue: string;
    tenureMonths: number;
    revenueTrend: number | null;
    usageTrend: number | null;
    complaintsLast90Days: number;
    patterns: string[];
  }>(
    `SELECT "customerId", "churnRisk", "lifetimeValue", "monthlyRevenue", "tenureMonths", "revenueTrend", "usageTrend", "complaintsLast90Days", patterns
       FROM "CustomerInsight"${sample}`,
    params,
  );
  const known = new Set<string>(patternKeys);
  return rows.map((r) => ({
    customerId: r.customerId,
    churnRisk: r.churnRisk,
    lifetimeValue: Number(r.lifetimeValue),
    monthlyRevenue: Number(r.monthlyRevenue),
    tenureMonths: r.tenureMonths,
    revenueTrend: r.revenueTrend,
    usageTrend: r.usageTrend,
    complaintsLast90Days: r.complaintsLast90Days,
    patterns: r.patterns.filter((p): p is SegmentCustomer["patterns"][number] => known.has(p)),
  }));
}
