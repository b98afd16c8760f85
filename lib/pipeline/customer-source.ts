// The customer data source over PostgreSQL: profiles, events, consent, preferences and our prior
// decisions for many customers at once, five queries sent together whatever the number of ids.
// Imported customers come through the same path; blanks get the same defaults as everywhere else.
import type pg from "pg";
import { channels } from "../agents/domain";
import type { Channel, ChannelPermission, ContactPreferences, CustomerData, CustomerProfile, JourneyEvent, PriorContact } from "../agents/domain";
import { asAttributes, findKey, readString } from "../agents/journey/attributes";
import type { CustomerDataSource } from "../agents/ports";
import { CONTACT_STATUSES_SQL } from "./contact-statuses";

export const DEFAULT_LANGUAGE = "en";
export const DEFAULT_TIME_ZONE = "Europe/London";
/** Our most recent decisions loaded per customer. */
export const PRIOR_CONTACT_LIMIT = 20;

// Timestamps are stored in UTC without a zone; written out here so no local zone can shift them.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A profile as read, before its attributes are checked to be an object. */
type CustomerRow = Omit<CustomerProfile, "attributes"> & { attributes: unknown };
type EventRow = { customerId: string; events: string };
type PermissionRow = { customerId: string; channel: Channel; marketing: boolean; serviceUpdates: boolean; billing: boolean };
type PreferenceRow = {
  customerId: string;
  preferredLanguage: string;
  contactWindowStart: string | null;
  contactWindowEnd: string | null;
  dndStart: string | null;
  dndEnd: string | null;
  timeZone: string;
};
type DecisionRow = {
  customerId: string;
  treatmentKey: string;
  status: string;
  decidedAt: string;
  channel: Channel | null;
  response: "accepted" | "declined" | "ignored" | null;
  respondedAt: string | null;
};

const CUSTOMERS_SQL = `
  SELECT id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue"::float8 AS "monthlyRevenue",
         "totalRevenue"::float8 AS "totalRevenue", "valueTier"::text AS "valueTier", region, language, source::text AS source, attributes
  FROM "Customer" WHERE id = ANY($1::text[])`;

// One row per customer with its events as one JSON array of arrays, read through the index on
// (customerId, occurredAt): one parse per customer, not per event, and no object keys or date
// formatting for PostgreSQL to build. Customers without events get no row.
const EVENTS_SQL = `
  SELECT c.id AS "customerId", e.events
  FROM unnest($1::text[]) AS c(id)
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_array(id, type, "occurredAt", summary, attributes) ORDER BY "occurredAt", id)::text AS events
    FROM "JourneyEvent" WHERE "customerId" = c.id
  ) e
  WHERE e.events IS NOT NULL`;

/** An event as EVENTS_SQL writes it: [id, type, occurredAt, summary, attributes]. */
type EventTuple = [number | string, JourneyEvent["type"], string, string | null, unknown];

const PLAIN_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/**
 * A stored UTC timestamp as PostgreSQL writes it in JSON ("2026-05-12T11:51:29", perhaps with
 * microseconds) → "2026-05-12T11:51:29.000Z"; fractions beyond milliseconds are cut, as to_char does.
 */
export function utcIsoFromPg(value: string): string {
  if (value.length === 19 && PLAIN_TIMESTAMP.test(value)) return `${value}.000Z`;
  if (PLAIN_TIMESTAMP.test(value)) return `${value.slice(0, 19)}.${value.slice(20, 23).padEnd(3, "0")}Z`;
  // Years beyond 9999 or before year 1 are not written in this shape; Date reads what it can.
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function toEvent(tuple: EventTuple): JourneyEvent {
  return {
    id: String(tuple[0]),
    type: tuple[1],
    occurredAt: utcIsoFromPg(tuple[2]),
    summary: (tuple[3] ?? "").trim(),
    attributes: asAttributes(tuple[4]),
  };
}

const PERMISSIONS_SQL = `
  SELECT "customerId", channel::text AS channel, marketing, "serviceUpdates", billing
  FROM "ContactPermission" WHERE "customerId" = ANY($1::text[])`;

const PREFERENCES_SQL = `
  SELECT "customerId", "preferredLanguage", "contactWindowStart", "contactWindowEnd", "dndStart", "dndEnd", "timeZone"
  FROM "ContactPreference" WHERE "customerId" = ANY($1::text[])`;

// Our contacts (CONTACT_STATUSES), dated from the review; filtered before the latest few are taken,
// so decisions that never reached the customer cannot crowd real contacts out. The channel is the
// treatment's, read even when it has since been deactivated, so the contact policy still counts it;
// the customer's answer comes from the decision's recorded outcome, when there is one.
const DECISIONS_SQL = `
  SELECT "customerId", "treatmentKey", status, "decidedAt", channel, response, "respondedAt" FROM (
    SELECT r."customerId", r."treatmentKey", r.status::text AS status, t.channel::text AS channel,
           to_char(COALESCE(r."reviewedAt", r."createdAt"), ${ISO}) AS "decidedAt",
           o.response::text AS response, to_char(o."recordedAt", ${ISO}) AS "respondedAt",
           row_number() OVER (PARTITION BY r."customerId" ORDER BY COALESCE(r."reviewedAt", r."createdAt") DESC, r.id) AS n
    FROM "Recommendation" r LEFT JOIN "Treatment" t ON t.key = r."treatmentKey" LEFT JOIN "Outcome" o ON o."recommendationId" = r.id
    WHERE r."customerId" = ANY($1::text[]) AND r."treatmentKey" IS NOT NULL AND r.status IN (${CONTACT_STATUSES_SQL})
  ) d WHERE n <= ${PRIOR_CONTACT_LIMIT}
  ORDER BY "customerId", "decidedAt"`;

/** Trimmed text, or `fallback` when blank or missing. */
function text(value: string | null | undefined, fallback: string): string {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? fallback : trimmed;
}

/** Trimmed text, or null when blank. */
function optionalText(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

const finite = (value: number | null, fallback: number) => (value !== null && Number.isFinite(value) ? value : fallback);

export function toProfile(row: CustomerRow): CustomerProfile {
  const attributes = asAttributes(row.attributes);
  // An import may leave the contract column blank and carry it as an attribute ("Contract").
  const contractKey = findKey(attributes, "Contract");
  const contractType = text(row.contractType, (contractKey && readString(attributes, contractKey)) || "unknown");
  return {
    id: row.id,
    name: text(row.name, row.id),
    segment: text(row.segment, "unknown"),
    plan: text(row.plan, "unknown"),
    contractType,
    tenureMonths: Math.max(0, finite(row.tenureMonths, 0)),
    monthlyRevenue: Math.max(0, finite(row.monthlyRevenue, 0)),
    totalRevenue: row.totalRevenue === null || !Number.isFinite(row.totalRevenue) ? null : row.totalRevenue,
    valueTier: row.valueTier,
    region: text(row.region, "unknown"),
    language: text(row.language, DEFAULT_LANGUAGE).toLowerCase(),
    source: row.source,
    attributes,
  };
}

function toPreferences(row: PreferenceRow, language: string): ContactPreferences {
  return {
    preferredLanguage: text(row.preferredLanguage, language).toLowerCase(),
    contactWindowStart: optionalText(row.contactWindowStart),
    contactWindowEnd: optionalText(row.contactWindowEnd),
    dndStart: optionalText(row.dndStart),
    dndEnd: optionalText(row.dndEnd),
    timeZone: text(row.timeZone, DEFAULT_TIME_ZONE),
  };
}

const channelOrder = new Map<string, number>(channels.map((c, i) => [c, i]));

/**
 * The reads at once on a pool (each on a connection of its own), one after another on a client: a
 * connection runs one statement at a time, and a transaction's reads (a review's re-check) share one.
 */
async function inTurnOrAtOnce<T extends readonly (() => Promise<unknown>)[]>(db: pg.Pool | pg.ClientBase, reads: T): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  // Told apart by shape rather than instanceof, so a pool from another copy of pg still counts: only a pool counts its connections.
  if ("totalCount" in db) return (await Promise.all(reads.map((read) => read()))) as never;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as never;
}

/**
 * Loads the customers among `ids` that exist, each with events in time order, consent per channel
 * (in `channels` order), preferences and up to `PRIOR_CONTACT_LIMIT` of our latest decisions.
 */
export async function loadCustomersFromPg(db: pg.Pool | pg.ClientBase, ids: readonly string[]): Promise<Map<string, CustomerData>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, CustomerData>();
  if (unique.length === 0) return out;
  const [customers, events, permissions, preferences, decisions] = await inTurnOrAtOnce(db, [
    () => db.query<CustomerRow>(CUSTOMERS_SQL, [unique]),
    () => db.query<EventRow>(EVENTS_SQL, [unique]),
    () => db.query<PermissionRow>(PERMISSIONS_SQL, [unique]),
    () => db.query<PreferenceRow>(PREFERENCES_SQL, [unique]),
    () => db.query<DecisionRow>(DECISIONS_SQL, [unique]),
  ] as const);

  for (const row of customers.rows) {
    out.set(row.id, { profile: toProfile(row), events: [], permissions: { hasRecord: false, channels: [], preferences: null }, priorContacts: [] });
  }
  for (const row of events.rows) {
    const data = out.get(row.customerId);
    if (!data) continue;
    data.events = (JSON.parse(row.events) as EventTuple[]).map(toEvent);
  }
  for (const row of permissions.rows) {
    const data = out.get(row.customerId);
    if (!data) continue;
    const permission: ChannelPermission = { channel: row.channel, marketing: row.marketing, serviceUpdates: row.serviceUpdates, billing: row.billing };
    data.permissions.channels.push(permission);
    data.permissions.hasRecord = true;
  }
  for (const row of preferences.rows) {
    const data = out.get(row.customerId);
    if (!data) continue;
    data.permissions.preferences = toPreferences(row, data.profile.language);
    data.permissions.hasRecord = true;
  }
  for (const row of decisions.rows) {
    const contact: PriorContact = { treatmentKey: row.treatmentKey, status: row.status, decidedAt: row.decidedAt, channel: row.channel };
    if (row.response) Object.assign(contact, { response: row.response, respondedAt: row.respondedAt ?? row.decidedAt });
    out.get(row.customerId)?.priorContacts.push(contact);
  }
  for (const data of out.values()) {
    data.permissions.channels.sort((a, b) => (channelOrder.get(a.channel) ?? 9) - (channelOrder.get(b.channel) ?? 9));
  }
  return out;
}

/** The customer data source over `pool`. */
export function createPgCustomerSource(pool: pg.Pool): CustomerDataSource {
  return { loadCustomers: (ids) => loadCustomersFromPg(pool, ids) };
}
