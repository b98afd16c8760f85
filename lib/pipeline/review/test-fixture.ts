// What the review tests share: a database of their own for each test, the deterministic pipeline
// run over new customers, and a review or the override dialog's choices as the screen asks for them.
import pg from "pg";
import { afterEach, beforeEach } from "vitest";
import type { TreatmentFate } from "../../agents/domain";
import { type TestDatabase, createTestDatabase } from "../../database/testing";
import { loadCatalog } from "../catalog";
import { customerFactsOf, loadCustomerJourney } from "../customer-journey";
import { createPgCapacityStore } from "../pg-capacity-store";
import { type ReviewAction, listOverrideChoices, reviewRecommendations } from "../review";
import { createRun, executeRun } from "../runs";
import { insertCustomers, insertPermissions } from "../testing/fixtures";
import type { Reviewer } from "./types";

export type ReviewTestDatabase = { readonly pool: pg.Pool; readonly url: string; readonly prisma: TestDatabase["prisma"] };

/**
 * A fresh migrated database for each test, with a pool of at most `poolSize` connections: reviews
 * move shared counters, so no test may see another's. Read `pool`, `url` and `prisma` inside a test.
 */
export function reviewDatabasePerTest({ poolSize }: { poolSize: number }): ReviewTestDatabase {
  let db: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  beforeEach(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: poolSize });
  });
  afterEach(async () => {
    await pool?.end();
    await db?.drop();
  });
  const current = () => {
    if (!db) throw new Error("The review test database exists only inside a test");
    return db;
  };
  return {
    get pool() {
      if (!pool) throw new Error("The review test database exists only inside a test");
      return pool;
    },
    get url() {
      return current().url;
    },
    get prisma() {
      return current().prisma;
    },
  };
}

/** Reviews `ids` as `reviewer` with the catalog and customer facts the database holds now, as the review screen's action does. */
export async function reviewAs(pool: pg.Pool, reviewer: Reviewer, ids: string[], action: ReviewAction) {
  return reviewRecommendations({
    store: createPgCapacityStore(pool),
    catalog: await loadCatalog(pool),
    recommendationIds: ids,
    action,
    reviewer,
    loadFacts: async (customerId) => {
      const journey = await loadCustomerJourney(pool, customerId);
      return journey ? customerFactsOf(journey, new Date().toISOString()) : null;
    },
  });
}

/** What the override dialog offers for recommendation `id`. */
export async function overrideChoicesOf(pool: pg.Pool, id: string) {
  return listOverrideChoices({ pool, store: createPgCapacityStore(pool), catalog: await loadCatalog(pool), recommendationId: id });
}

/** `count` new customers `prefix-0001`… who allow `channels` (call, sms and email unless given). */
export async function newCustomers(url: string, opts: { count: number; prefix?: string; channels?: string[] }): Promise<string[]> {
  const ids = await insertCustomers(url, { count: opts.count, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  await insertPermissions(url, ids, opts.channels);
  return ids;
}

export type PendingRecommendation = { id: string; customerId: string; treatmentKey: string; fates: TreatmentFate[] | null };

/** Runs the deterministic pipeline over `customerIds`; answers the run's recommendations waiting for review, by customer id. */
export async function runPipeline(pool: pg.Pool, customerIds: string[]): Promise<{ runId: string; pending: PendingRecommendation[] }> {
  const created = await createRun(pool, { scope: { customerIds }, policy: "rules" });
  await executeRun(pool, { runId: created.runId, customerIds: created.customerIds, policy: "rules", model: null });
  const { rows } = await pool.query<PendingRecommendation>(
    `SELECT id, "customerId", "treatmentKey", fates FROM "Recommendation" WHERE "runId" = $1 AND status = 'pending_review' ORDER BY "customerId"`,
    [created.runId],
  );
  return { runId: created.runId, pending: rows };
}

/** A resource's counters now. */
export async function countersOf(pool: pg.Pool, key: string) {
  const { rows } = await pool.query<{ used: number; held: number; limit: number }>(`SELECT used, held, "limit" FROM "ResourceConstraint" WHERE key = $1`, [key]);
  return rows[0]!;
}
