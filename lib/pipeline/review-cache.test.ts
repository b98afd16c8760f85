import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createDataAgent } from "../agents/data/data-agent";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { loadCatalog } from "./catalog";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { createPgCapacityStore } from "./pg-capacity-store";
import { reviewRecommendations } from "./review";
import { createRun, executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

describe("a review and the customer data cache", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 5 });
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  test("approving a recommendation drops its customer from every data cache, so the next read sees the approval", async () => {
    await insertCatalog(db.url);
    const ids = await insertCustomers(db.url, { count: 2 });
    await insertPermissions(db.url, ids);
    const run = await createRun(pool, { scope: { customerIds: ids }, policy: "rules" });
    await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
    const { rows } = await pool.query<{ id: string; customerId: string }>(`SELECT id, "customerId" FROM "Recommendation" WHERE status = 'pending_review' ORDER BY "customerId"`);
    expect(rows.length).toBeGreaterThan(0);
    const target = rows[0]!;
    const other = ids.find((id) => id !== target.customerId)!;

    const agent = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache() });
    await agent.process({ type: "prefetch_customers", customerIds: ids });
    const before = await agent.process({ type: "get_customer_data", customerId: target.customerId });
    // A decision waiting for review is not yet a contact.
    expect(before.ok && before.type === "get_customer_data" && before.data.priorContacts).toEqual([]);

    const outcome = await reviewRecommendations({
      store: createPgCapacityStore(pool),
      catalog: await loadCatalog(pool),
      recommendationIds: [target.id],
      action: { kind: "approve" },
      reviewer: { id: null, label: "Test reviewer" },
    });
    expect(outcome.done).toEqual([target.id]);
    expect(outcome).not.toHaveProperty("changedCustomers");

    const after = await agent.process({ type: "get_customer_data", customerId: target.customerId });
    expect(after.ok && after.type === "get_customer_data" && after.data.isFromCache).toBe(false);
    expect(after.ok && after.type === "get_customer_data" && after.data.priorContacts.map((c) => c.status)).toEqual(["approved"]);
    // Customers the review did not touch stay cached.
    const untouched = await agent.process({ type: "get_customer_data", customerId: other });
    expect(untouched.ok && untouched.type === "get_customer_data" && untouched.data.isFromCache).toBe(true);
  });
});
