// Resets the database to a fresh demo: catalog, demo users and a deterministic customer base with
// journeys and consent, all in one transaction so a failure leaves the previous state untouched.
import { hashPassword } from "better-auth/crypto";
import pg from "pg";
import type { EventType } from "../../lib/generated/prisma/enums";
import { seedCatalog, startOfUtcDay } from "./catalog";
import { copyRow, copyRows } from "../../lib/database/copy";
import { WORKER_HEARTBEAT_TABLE } from "../../lib/jobs/heartbeat";
import { DEMO_PASSWORD, demoUsers } from "../../lib/auth/demo-users";
import { generateContact } from "./contact";
import type { SeedContext } from "./context";
import { generateCustomer } from "./customers";
import { eventTypes, generateEvents } from "./journey/events";
import { customerStories, type CustomerStory } from "./stories";

export type SeedOptions = {
  url: string;
  customers: number;
  /** Same seed and anchor give identical rows; default 42. */
  seed?: number;
  /** The "today" the journeys lead up to; default today at 00:00 UTC. */
  anchor?: Date;
  log?: (m: string) => void;
  /** Runs inside the seed's transaction just before it commits (the demo reset writes its audit entry there). */
  beforeCommit?: (client: pg.ClientBase, summary: { customers: number; events: number; seed: number }) => Promise<void>;
};

export type SeedSummary = {
  seed: number;
  anchor: string;
  customers: number;
  events: number;
  permissions: number;
  preferences: number;
  treatments: number;
  resources: number;
  users: number;
  eventsByType: Record<EventType, number>;
  stories: Record<CustomerStory, number>;
  durationMs: number;
};

export const DEFAULT_SEED = 42;
/** Largest base the seeder accepts: beyond it the journeys alone would run to hundreds of millions of rows. */
export const MAX_CUSTOMERS = 5_000_000;

/** Who signs in and how: kept by a reseed, so nobody is signed out and added people stay. */
const AUTH_TABLES = new Set(["User", "Session", "Account", "Verification"]);
/** Lists managers keep, not demo data: the reasons reviewers choose from survive a reseed, as accounts do. */
const KEPT_SETTINGS = new Set(["ReviewReason"]);
/** The worker processes alive now, not demo data: a reseed must not make running workers look gone, nor hold up their beats. */
const LIVE_STATE = new Set([WORKER_HEARTBEAT_TABLE]);

const q = (name: string) => `"${name}"`;
const target = (table: string, columns: readonly string[]) => `${q(table)} (${columns.map(q).join(", ")})`;

const customerColumns = [
  "id", "name", "segment", "plan", "contractType", "tenureMonths", "monthlyRevenue", "totalRevenue",
  "valueTier", "region", "language", "source", "attributes", "createdAt", "updatedAt",
] as const;
const eventColumns = ["customerId", "type", "occurredAt", "summary", "attributes"] as const;
const permissionColumns = ["customerId", "channel", "marketing", "serviceUpdates", "billing", "updatedAt"] as const;
const preferenceColumns = [
  "customerId", "preferredLanguage", "contactWindowStart", "contactWindowEnd", "dndStart", "dndEnd", "timeZone", "updatedAt",
] as const;

type Counts = { events: number; permissions: number; preferences: number; eventsByType: Record<EventType, number>; stories: Record<CustomerStory, number> };

function* customerRows(ctx: SeedContext, total: number, counts: Counts): Generator<string> {
  const now = ctx.anchor.toISOString();
  for (let i = 0; i < total; i++) {
    const c = generateCustomer(ctx, i);
    counts.stories[c.story]++;
    yield copyRow([
      c.id, c.name, c.segment, c.plan, c.contractType, c.tenureMonths, c.monthlyRevenue.toFixed(2), c.totalRevenue.toFixed(2),
      c.valueTier, c.region, c.language, "seed", JSON.stringify(c.attributes), now, now,
    ]);
  }
}

function* permissionRows(ctx: SeedContext, total: number, counts: Counts): Generator<string> {
  for (let i = 0; i < total; i++) {
    const c = generateCustomer(ctx, i);
    for (const p of generateContact(ctx, c).permissions) {
      counts.permissions++;
      yield copyRow([c.id, p.channel, p.marketing, p.serviceUpdates, p.billing, p.updatedAt.toISOString()]);
    }
  }
}

function* preferenceRows(ctx: SeedContext, total: number, counts: Counts): Generator<string> {
  for (let i = 0; i < total; i++) {
    const c = generateCustomer(ctx, i);
    const p = generateContact(ctx, c).preference;
    if (!p) continue;
    counts.preferences++;
    yield copyRow([c.id, p.preferredLanguage, p.contactWindowStart, p.contactWindowEnd, p.dndStart, p.dndEnd, p.timeZone, p.updatedAt.toISOString()]);
  }
}

// Progress lines only where seeding takes long enough for someone to wonder.
const PROGRESS_FROM_CUSTOMERS = 50_000;

function* eventRows(ctx: SeedContext, total: number, counts: Counts, onProgress: (done: number) => void): Generator<string> {
  const step = total >= PROGRESS_FROM_CUSTOMERS ? Math.ceil(total / 10) : Number.POSITIVE_INFINITY;
  for (let i = 0; i < total; i++) {
    const c = generateCustomer(ctx, i);
    for (const e of generateEvents(ctx, c, generateContact(ctx, c))) {
      counts.events++;
      counts.eventsByType[e.type]++;
      yield copyRow([c.id, e.type, e.occurredAt.toISOString(), e.summary, JSON.stringify(e.attributes)]);
    }
    if ((i + 1) % step === 0 && i + 1 < total) onProgress(i + 1);
  }
}

/** Every table of the app's schema except the migrations' own bookkeeping. */
async function domainTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  return rows.map((r) => r.name);
}

/**
 * Puts the demo accounts back as seeded (name, role, active, password), whatever was changed;
 * another user holding a demo address gives it up by being renamed, so the addresses stay unique.
 */
async function upsertDemoUsers(client: pg.ClientBase, anchor: Date): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const u of demoUsers) {
    await client.query(`UPDATE "User" SET email = id::text || '.' || email WHERE email = $1 AND id <> $2`, [u.email, u.id]);
    await client.query(
      `INSERT INTO "User" (id, email, name, role, "isActive", "emailVerified", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4::"Role", true, true, $5, $5)
       ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, role = EXCLUDED.role, "isActive" = true, "updatedAt" = now()`,
      [u.id, u.email, u.name, u.role, anchor.toISOString()],
    );
    await client.query(
      `INSERT INTO "Account" (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
       VALUES ($1::text, $1::text, 'credential', $1::uuid, $2, now(), now())
       ON CONFLICT ("providerId", "accountId") DO UPDATE SET password = EXCLUDED.password, "updatedAt" = now()`,
      [u.id, hash],
    );
  }
}

/**
 * Replaces all demo state with `customers` generated customers (capacities scaled to that count).
 * Atomic: on any failure the database keeps what it had. Same seed and anchor give identical rows.
 */
export async function seedDemo(opts: SeedOptions): Promise<SeedSummary> {
  if (!Number.isInteger(opts.customers) || opts.customers < 1 || opts.customers > MAX_CUSTOMERS) {
    throw new Error(`customers must be a whole number from 1 to ${MAX_CUSTOMERS.toLocaleString("en-GB")}; got ${opts.customers}`);
  }
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? DEFAULT_SEED;
  const anchor = opts.anchor ?? startOfUtcDay(new Date());
  const ctx: SeedContext = { seed, anchor };
  const total = opts.customers;
  const counts: Counts = {
    events: 0,
    permissions: 0,
    preferences: 0,
    eventsByType: Object.fromEntries(eventTypes.map((t) => [t, 0])) as Record<EventType, number>,
    stories: Object.fromEntries(customerStories.map((s) => [s, 0])) as Record<CustomerStory, number>,
  };
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  let catalog = { treatments: 0, resources: 0 };
  const client = new pg.Client({ connectionString: opts.url, application_name: "cvm-seed" });
  await client.connect();
  try {
    await client.query("BEGIN");
    // Waiting forever behind a long-running reader would look like a hang; fail with a reason instead.
    await client.query("SET LOCAL lock_timeout = '30s'");
    const tables = (await domainTables(client)).filter((t) => !AUTH_TABLES.has(t) && !KEPT_SETTINGS.has(t) && !LIVE_STATE.has(t));
    await client.query(`TRUNCATE TABLE ${tables.map(q).join(", ")} RESTART IDENTITY CASCADE`);
    log(`Cleared ${tables.length} tables; seeding ${total.toLocaleString("en-GB")} customers (seed ${seed}, anchor ${anchor.toISOString().slice(0, 10)}).`);

    catalog = await seedCatalog(client, { customerCount: total, anchor });
    await upsertDemoUsers(client, anchor);

    await copyRows(client, target("Customer", customerColumns), customerRows(ctx, total, counts), { isFreeze: true });
    log(`Customers: ${total.toLocaleString("en-GB")} (${elapsed()}).`);
    await copyRows(client, target("ContactPermission", permissionColumns), permissionRows(ctx, total, counts), { isFreeze: true });
    await copyRows(client, target("ContactPreference", preferenceColumns), preferenceRows(ctx, total, counts), { isFreeze: true });
    log(`Contact permissions: ${counts.permissions.toLocaleString("en-GB")}, preferences: ${counts.preferences.toLocaleString("en-GB")} (${elapsed()}).`);
    const onProgress = (done: number) =>
      log(`Journeys: ${Math.round((done / total) * 100)}% (${done.toLocaleString("en-GB")} customers, ${counts.events.toLocaleString("en-GB")} events, ${elapsed()}).`);
    await copyRows(client, target("JourneyEvent", eventColumns), eventRows(ctx, total, counts, onProgress), { isFreeze: true });
    log(`Journeys: ${counts.events.toLocaleString("en-GB")} events (${elapsed()}). Committing...`);
    await opts.beforeCommit?.(client, { customers: total, events: counts.events, seed });
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end().catch(() => {});
  }

  // Fresh statistics so the screens' queries are planned for the new sizes straight away. The data
  // is committed by now, so a failure here is only worth a warning.
  const after = new pg.Client({ connectionString: opts.url, application_name: "cvm-seed" });
  try {
    await after.connect();
    await after.query(`ANALYZE "Customer", "JourneyEvent", "ContactPermission", "ContactPreference", "Treatment", "ResourceConstraint"`);
  } catch (err) {
    log(`Seeded, but could not refresh the planner statistics: ${(err as Error).message}`);
  } finally {
    await after.end().catch(() => {});
  }
  log(`Done in ${elapsed()}.`);

  return {
    seed,
    anchor: anchor.toISOString(),
    customers: total,
    events: counts.events,
    permissions: counts.permissions,
    preferences: counts.preferences,
    treatments: catalog.treatments,
    resources: catalog.resources,
    users: demoUsers.length,
    eventsByType: counts.eventsByType,
    stories: counts.stories,
    durationMs: Date.now() - started,
  };
}
