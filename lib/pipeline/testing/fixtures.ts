// Small, explicit database fixtures for pipeline tests: a catalog with one scarce resource and
// customers with known value tiers.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { TreatmentDefinition } from "../../agents/domain";

export const testCatalog: TreatmentDefinition[] = [
  { key: "retention_call", name: "Retention call", description: "A call from the retention team", channel: "call", costPerContact: 10, goal: "retention", priority: 1, expectedEffect: 0.35, eligibility: {}, resourceKey: "call_slots", unitsPerContact: 1, isNoAction: false },
  { key: "retention_sms", name: "Retention SMS", description: "A retention offer by SMS", channel: "sms", costPerContact: 0.5, goal: "retention", priority: 2, expectedEffect: 0.08, eligibility: {}, resourceKey: "sms_quota", unitsPerContact: 1, isNoAction: false },
  { key: "retention_email", name: "Retention email", description: "A retention offer by email", channel: "email", costPerContact: 0.25, goal: "retention", priority: 3, expectedEffect: 0.05, eligibility: {}, resourceKey: null, unitsPerContact: 1, isNoAction: false },
  { key: "ignore", name: "No action", description: "Do nothing", channel: null, costPerContact: 0, goal: "none", priority: 9, expectedEffect: 0, eligibility: {}, resourceKey: null, unitsPerContact: 1, isNoAction: true },
];

export const testResources = [
  { key: "call_slots", name: "Call-centre slots", limit: 10, reservedHighValue: 0 },
  { key: "sms_quota", name: "SMS quota", limit: 1000, reservedHighValue: 0 },
];

/** Inserts the test catalog and resources (with the given limits) into the database at `url`. */
export async function insertCatalog(url: string, opts: { limits?: Record<string, number>; reserves?: Record<string, number> } = {}) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const r of testResources) {
      await c.query(
        `INSERT INTO "ResourceConstraint" (key, name, "limit", "reservedHighValue", "updatedAt") VALUES ($1, $2, $3, $4, now())`,
        [r.key, r.name, opts.limits?.[r.key] ?? r.limit, opts.reserves?.[r.key] ?? r.reservedHighValue],
      );
    }
    for (const t of testCatalog) {
      await c.query(
        `INSERT INTO "Treatment" (key, name, description, channel, "costPerContact", goal, priority, "expectedEffect", eligibility, "resourceKey", "unitsPerContact", "isNoAction", "updatedAt")
         VALUES ($1, $2, $3, $4::"Channel", $5, $6, $7, $8, $9, $10, $11, $12, now())`,
        [t.key, t.name, t.description, t.channel, t.costPerContact, t.goal, t.priority, t.expectedEffect, JSON.stringify(t.eligibility), t.resourceKey, t.unitsPerContact, t.isNoAction],
      );
    }
  } finally {
    await c.end();
  }
}

/** Inserts `count` customers `T-0001`...; every `highValueEvery`-th one is premium. Returns their ids. */
export async function insertCustomers(url: string, opts: { count: number; highValueEvery?: number; prefix?: string }): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const ids = Array.from({ length: opts.count }, (_, i) => `${opts.prefix ?? "T"}-${String(i + 1).padStart(4, "0")}`);
  try {
    await c.query(
      `INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
       SELECT id, 'Customer ' || id, 'consumer', 'Unlimited', 'Month-to-month', 12, 40, CASE WHEN premium THEN 'premium' ELSE 'medium' END::"ValueTier", 'London', 'en', now()
       FROM unnest($1::text[], $2::boolean[]) AS x(id, premium)`,
      [ids, ids.map((_, i) => (opts.highValueEvery ? (i + 1) % opts.highValueEvery === 0 : false))],
    );
  } finally {
    await c.end();
  }
  return ids;
}

/** Creates a run row and returns its id. */
export async function insertRun(url: string): Promise<string> {
  const id = randomUUID();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO "Run" (id, status, policy, scope) VALUES ($1, 'running', 'rules', '{}')`, [id]);
  } finally {
    await c.end();
  }
  return id;
}

/** Gives each customer marketing permission on `channels` and open contact preferences in UTC. */
export async function insertPermissions(url: string, customerIds: string[], channels: string[] = ["call", "sms", "email"]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO "ContactPermission" ("customerId", channel, marketing, "serviceUpdates", billing, "updatedAt")
       SELECT id, ch::"Channel", true, true, true, now() FROM unnest($1::text[]) AS id CROSS JOIN unnest($2::text[]) AS ch`,
      [customerIds, channels],
    );
    await c.query(
      `INSERT INTO "ContactPreference" ("customerId", "preferredLanguage", "timeZone", "updatedAt")
       SELECT id, 'en', 'UTC', now() FROM unnest($1::text[]) AS id`,
      [customerIds],
    );
  } finally {
    await c.end();
  }
}
