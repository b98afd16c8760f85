// Capacity in PostgreSQL. Every transaction locks all resource rows in key order (so two
// transactions can never deadlock on them), decides in memory, then writes decisions, history and
// counters before committing. The table's CHECK (0 <= used <= limit) backs the arithmetic.
import type pg from "pg";
import { copyField, copyJson, copyJsonOrNull, copyLine, copyRows } from "../database/copy";
import { withTransaction } from "../database/transaction";
import type { LockedResource } from "../agents/allocation/capacity";
import type {
  AllocationRecord,
  BatchWrites,
  CapacityStore,
  LatestAllocation,
  LockedCapacity,
  RecommendationState,
  ReviewFacts,
  StoredPrices,
} from "../agents/allocation/ports";
import type { CapacityPrices } from "../agents/allocation/bid-price";
import type { Channel } from "../agents/domain";
import { loadCatalog } from "./catalog";
import { loadContactPolicy } from "./contact-policy";
import { loadCustomersFromPg } from "./customer-source";
import { upsertInsights } from "./insight-store";

type ResourceRow = Omit<LockedResource, "periodStart"> & { periodStart: Date; now: Date };

const SELECT_RESOURCES = `SELECT key, name, "limit", used, held, "reservedHighValue", period::text AS period, "periodStart", now() AS now
  FROM "ResourceConstraint" ORDER BY key`;

function toLocked(r: ResourceRow): LockedResource {
  return { key: r.key, name: r.name, limit: r.limit, used: r.used, held: r.held, reservedHighValue: r.reservedHighValue, period: r.period, periodStart: r.periodStart.toISOString() };
}

const DECISION_COLUMNS = [
  "id", "runId", "customerId", "status", "treatmentKey", "policy", "rationale", "confidence", "expectedValue",
  "alternatives", "fallbackPath", "permissionStatement", "nextContactAt", "failureReason", "trace", "fates", "heldOutFrom", "createdAt", "updatedAt",
].map((c) => `"${c}"`).join(", ");

/**
 * Recommendations through COPY, straight into their table. A run's customer's trace here holds the
 * allocation's steps (with the notes, usage and evidence); the steps of its decision were kept in
 * DecisionTrace when it was decided, so a worker never reads them back nor writes them again.
 */
async function insertDecisions(client: pg.PoolClient, decisions: NonNullable<BatchWrites["decisions"]>, now: string) {
  const rows = decisions.map((d) =>
    copyLine([
      copyField(d.id), copyField(d.runId), copyField(d.customerId), copyField(d.status), copyField(d.treatmentKey), copyField(d.policy),
      copyField(d.rationale), copyField(d.confidence), copyField(d.expectedValue), copyJson(d.alternatives), copyJson(d.fallbackPath),
      copyField(d.permissionStatement), copyField(d.nextContactAt), copyField(d.failureReason), copyJson(d.trace),
      copyJsonOrNull(d.fates), copyField(d.heldOutFrom ?? null), copyField(now), copyField(now),
    ]),
  );
  await copyRows(client, `"Recommendation" (${DECISION_COLUMNS})`, rows);
}

/** The insights of the analysed customers among `decisions`, one per customer. */
async function upsertDecisionInsights(client: pg.PoolClient, decisions: NonNullable<BatchWrites["decisions"]>) {
  const byCustomer = new Map(decisions.flatMap((d) => (d.insight ? [[d.insight.customerId, d.insight] as const] : [])));
  await upsertInsights(client, [...byCustomer.values()]);
}

async function insertAllocations(client: pg.PoolClient, rows: AllocationRecord[]) {
  await client.query(
    `INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", "recommendationId", "runId", outcome, units, reason, priority,
        "isHighValue", "usedReserve", "periodStart", "createdAt")
     SELECT x."resourceKey", x."treatmentKey", x."customerId", x."recommendationId", x."runId", x.outcome::"AllocationOutcome", x.units, x.reason,
        x.priority, x."isHighValue", x."usedReserve", x."periodStart", clock_timestamp()
     FROM json_to_recordset($1::json) AS x("resourceKey" text, "treatmentKey" text, "customerId" text, "recommendationId" uuid,
        "runId" uuid, outcome text, units int, reason text, priority float8, "isHighValue" boolean, "usedReserve" boolean, "periodStart" timestamptz)`,
    [JSON.stringify(rows)],
  );
}

async function applyReviews(client: pg.PoolClient, reviews: NonNullable<BatchWrites["reviews"]>) {
  const { rowCount } = await client.query(
    `UPDATE "Recommendation" r SET status = u.status::"RecommendationStatus", "reviewedById" = u."reviewedById", "reviewedAt" = now(),
        "reviewReason" = u.reason, "reviewReasonCode" = u."reasonCode", "treatmentKey" = COALESCE(u."treatmentKey", r."treatmentKey"),
        "overriddenFrom" = u."overriddenFrom", "updatedAt" = now()
     FROM json_to_recordset($1::json) AS u("recommendationId" uuid, status text, "reviewedById" uuid, reason text, "reasonCode" text, "treatmentKey" text, "overriddenFrom" text)
     WHERE r.id = u."recommendationId" AND r.status = 'pending_review'`,
    [JSON.stringify(reviews)],
  );
  // Callers check statuses under the same lock first, so a mismatch is a bug, not a race.
  if (rowCount !== reviews.length) throw new Error(`Review update touched ${rowCount} of ${reviews.length} recommendations`);
}

async function markSuperseded(client: pg.PoolClient, superseded: NonNullable<BatchWrites["superseded"]>) {
  const { rowCount } = await client.query(
    `UPDATE "Recommendation" r SET status = 'superseded', "supersededById" = x."supersededById", "updatedAt" = now()
     FROM json_to_recordset($1::json) AS x("recommendationId" uuid, "supersededById" uuid)
     WHERE r.id = x."recommendationId" AND r.status = 'pending_review'`,
    [JSON.stringify(superseded)],
  );
  // The rows were read and locked as pending in this transaction; anything else is a bug.
  if (rowCount !== superseded.length) throw new Error(`Superseding touched ${rowCount} of ${superseded.length} recommendations`);
}

async function insertAudit(client: pg.PoolClient, audit: NonNullable<BatchWrites["audit"]>) {
  await client.query(
    `INSERT INTO "AuditLog" ("actorId", "actorLabel", action, "entityType", "entityId", before, after, reason, "createdAt")
     SELECT x."actorId", x."actorLabel", x.action, x."entityType", x."entityId", x.before, x.after, x.reason, clock_timestamp()
     FROM json_to_recordset($1::json) AS x("actorId" uuid, "actorLabel" text, action text, "entityType" text, "entityId" text,
        before jsonb, after jsonb, reason text)`,
    [JSON.stringify(audit)],
  );
}

async function updateCounters(client: pg.PoolClient, changed: LockedResource[]) {
  await client.query(
    `UPDATE "ResourceConstraint" c SET used = x.used, held = x.held, "limit" = x."limit", "reservedHighValue" = x."reservedHighValue",
        "periodStart" = x."periodStart", version = c.version + 1, "updatedAt" = now()
     FROM json_to_recordset($1::json) AS x(key text, used int, held int, "limit" int, "reservedHighValue" int, "periodStart" timestamptz) WHERE c.key = x.key`,
    [JSON.stringify(changed.map((r) => ({ key: r.key, used: r.used, held: r.held, limit: r.limit, reservedHighValue: r.reservedHighValue, periodStart: r.periodStart })))],
  );
}

/** Prices of every resource a run priced; one it left out has room to spare and costs nothing. */
async function writePrices(client: pg.PoolClient, prices: CapacityPrices) {
  await client.query(
    `UPDATE "ResourceConstraint" c SET price = coalesce(x.price, 0), "highValuePrice" = least(coalesce(x."highValuePrice", x.price, 0), coalesce(x.price, 0)),
        "priceUpdatedAt" = now()
     FROM "ResourceConstraint" r LEFT JOIN json_to_recordset($1::json) AS x(key text, price numeric, "highValuePrice" numeric) ON x.key = r.key
     WHERE c.key = r.key`,
    [JSON.stringify(Object.entries(prices.prices).map(([key, price]) => ({ key, price: Math.max(0, price), highValuePrice: Math.max(0, prices.highValuePrices?.[key] ?? price) })))],
  );
}

async function readPrices(pool: pg.Pool | pg.PoolClient): Promise<StoredPrices> {
  const { rows } = await pool.query<{ key: string; price: number; highValuePrice: number; priceUpdatedAt: Date | null }>(
    `SELECT key, price::float8 AS price, "highValuePrice"::float8 AS "highValuePrice", "priceUpdatedAt" FROM "ResourceConstraint" ORDER BY key`,
  );
  const latest = rows.reduce<Date | null>((at, r) => (r.priceUpdatedAt && (!at || r.priceUpdatedAt > at) ? r.priceUpdatedAt : at), null);
  return {
    prices: Object.fromEntries(rows.map((r) => [r.key, r.price])),
    highValuePrices: Object.fromEntries(rows.map((r) => [r.key, r.highValuePrice])),
    updatedAt: latest?.toISOString() ?? null,
  };
}

/** Consent, the active catalog and the contact policy as this transaction sees them, for a review's re-check. */
async function readReviewFacts(client: pg.PoolClient, customerIds: string[]): Promise<ReviewFacts> {
  const catalog = await loadCatalog(client);
  const names = await client.query<{ key: string; name: string }>(`SELECT key, name FROM "Treatment"`);
  const contactPolicy = await loadContactPolicy(client);
  const customers = await loadCustomersFromPg(client, customerIds);
  const { rows } = await client.query<{ customerId: string; channel: Channel; changedAt: string }>(
    `SELECT "customerId", channel::text AS channel, to_char("updatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "changedAt"
       FROM "ContactPermission" WHERE "customerId" = ANY($1::text[])`,
    [customerIds],
  );
  const consentChangedAt = new Map<string, Partial<Record<Channel, string>>>();
  for (const r of rows) consentChangedAt.set(r.customerId, { ...consentChangedAt.get(r.customerId), [r.channel]: r.changedAt });
  // An override pays the stored price of the slot it takes (bid-price control), weighed with the values its recommendation estimated.
  const prices = await readPrices(client);
  const pending = await client.query<{ customerId: string; treatmentKey: string | null; expectedValue: number; alternatives: unknown; fates: unknown }>(
    `SELECT "customerId", "treatmentKey", "expectedValue"::float8 AS "expectedValue", alternatives, fates
       FROM "Recommendation" WHERE "customerId" = ANY($1::text[]) AND status = 'pending_review'`,
    [customerIds],
  );
  const pendingValues = new Map(pending.rows.map((r) => [r.customerId, storedValuesOf(r)]));
  return { catalog, treatmentNames: new Map(names.rows.map((r) => [r.key, r.name])), contactPolicy, customers, consentChangedAt, prices, pendingValues };
}

/** Each treatment's expected value as a recommendation stored it; entries of another shape (older rows) are left out. */
export function storedValuesOf(r: { treatmentKey: string | null; expectedValue: number; alternatives: unknown; fates: unknown }): Record<string, number> {
  const values: Record<string, number> = {};
  const take = (entries: unknown, field: "expectedValue" | "value") => {
    if (!Array.isArray(entries)) return;
    for (const e of entries as Record<string, unknown>[]) {
      const value = e?.[field];
      if (typeof e?.treatmentKey === "string" && typeof value === "number" && !(e.treatmentKey in values)) values[e.treatmentKey] = value;
    }
  };
  if (r.treatmentKey) values[r.treatmentKey] = r.expectedValue;
  take(r.alternatives, "expectedValue");
  take(r.fates, "value");
  return values;
}

/** A CapacityStore on `pool`. */
export function createPgCapacityStore(pool: pg.Pool): CapacityStore {
  return {
    async readResources() {
      const { rows } = await pool.query<ResourceRow>(SELECT_RESOURCES);
      return rows.map(toLocked);
    },

    readPrices: () => readPrices(pool),

    transact(fn) {
      return withTransaction(pool, async (client) => {
        const { rows } = await client.query<ResourceRow>(`${SELECT_RESOURCES} FOR UPDATE`);
        const original = new Map(rows.map((r) => [r.key, toLocked(r)]));
        const resources = new Map(rows.map((r) => [r.key, toLocked(r)]));
        const recorded: AllocationRecord[] = [];
        const capacity: LockedCapacity = {
          resources,
          now: (rows[0]?.now ?? new Date()).toISOString(),
          record: (row) => void recorded.push(row),
          latestFor: async (ids) => {
            if (ids.length === 0) return new Map();
            const { rows: latest } = await client.query<LatestAllocation & { periodStart: Date; createdAt: Date }>(
              `SELECT DISTINCT ON ("recommendationId") "recommendationId", "resourceKey", "treatmentKey", "customerId", "runId", outcome::text AS outcome,
                  units, reason, priority, "isHighValue", "usedReserve", "periodStart", "createdAt"
                 FROM "Allocation" WHERE "recommendationId" = ANY($1::uuid[]) AND outcome <> 'denied' ORDER BY "recommendationId", id DESC`,
              [ids],
            );
            return new Map(latest.map((r) => [r.recommendationId!, { ...r, periodStart: r.periodStart.toISOString(), createdAt: r.createdAt.toISOString() }]));
          },
          loadRecommendations: async (ids) => {
            if (ids.length === 0) return new Map();
            const { rows: recs } = await client.query<RecommendationState>(
              `SELECT id, status::text AS status, "treatmentKey", "customerId", "runId" FROM "Recommendation" WHERE id = ANY($1::uuid[]) FOR UPDATE`,
              [ids],
            );
            return new Map(recs.map((r) => [r.id, r]));
          },
          pendingFor: async (customerIds) => {
            if (customerIds.length === 0) return [];
            const { rows: recs } = await client.query<RecommendationState>(
              `SELECT id, status::text AS status, "treatmentKey", "customerId", "runId" FROM "Recommendation"
                WHERE "customerId" = ANY($1::text[]) AND status = 'pending_review' ORDER BY id FOR UPDATE`,
              [customerIds],
            );
            return recs;
          },
          readReviewFacts: (customerIds) => readReviewFacts(client, customerIds),
        };
        const { value, writes } = await fn(capacity);
        // Before the new decisions: a customer has at most one pending recommendation (a unique index says so).
        if (writes?.superseded?.length) await markSuperseded(client, writes.superseded);
        if (writes?.decisions?.length) await insertDecisions(client, writes.decisions, capacity.now);
        if (writes?.decisions?.length) await upsertDecisionInsights(client, writes.decisions);
        if (recorded.length) await insertAllocations(client, recorded);
        if (writes?.reviews?.length) await applyReviews(client, writes.reviews);
        const changed = [...resources.values()].filter((r) => {
          const o = original.get(r.key)!;
          return o.used !== r.used || o.held !== r.held || o.limit !== r.limit || o.reservedHighValue !== r.reservedHighValue || o.periodStart !== r.periodStart;
        });
        if (changed.length) await updateCounters(client, changed);
        if (writes?.audit?.length) await insertAudit(client, writes.audit);
        if (writes?.prices) await writePrices(client, writes.prices);
        return value;
      });
    },
  };
}
