import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { loadCatalog } from "./catalog";
import { customerFactsOf, loadCustomerJourney, overrideOptions } from "./customer-journey";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
const AS_OF = "2026-11-20T12:00:00.000Z";

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await insertCatalog(db.url);
  await insertCustomers(db.url, { count: 3 });
  await insertPermissions(db.url, ["T-0001"]);
  await insertPermissions(db.url, ["T-0002"], ["email"]);
  // Three complaints in the last 90 days, one of them twice (a duplicate the journey drops).
  await pool.query(
    `INSERT INTO "JourneyEvent" ("customerId", type, "occurredAt", summary, attributes) VALUES
       ('T-0001', 'complaint', '2026-10-01T10:00:00Z', 'Complaint about dropped calls', '{"category":"network"}'),
       ('T-0001', 'complaint', '2026-10-01T10:00:00Z', 'Complaint about dropped calls', '{"category":"network"}'),
       ('T-0001', 'complaint', '2026-10-20T10:00:00Z', 'Complaint about the bill', '{"category":"billing"}'),
       ('T-0001', 'complaint', '2026-11-10T10:00:00Z', 'Complaint about the signal', '{"category":"network"}')`,
  );
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe("loadCustomerJourney", () => {
  test("builds, analyses and summarises the customer's stored journey", async () => {
    const j = await loadCustomerJourney(pool, "T-0001", { asOf: AS_OF });
    expect(j).not.toBeNull();
    expect(j!.journey.events).toHaveLength(3);
    expect(j!.journey.duplicatesRemoved).toBe(1);
    expect(j!.analysis.asOf).toBe(AS_OF);
    expect(j!.analysis.metrics.complaintsLast90Days).toBe(3);
    expect(j!.analysis.patterns.map((p) => p.key)).toContain("repeated_complaints");
    expect(j!.summary.text.length).toBeGreaterThan(0);
    expect(j!.summary.text.length).toBeLessThanOrEqual(j!.summary.budgetChars);
    expect(j!.data.permissions.hasRecord).toBe(true);
  });

  test("answers null for an unknown customer", async () => {
    expect(await loadCustomerJourney(pool, "NOBODY")).toBeNull();
  });
});

describe("overrideOptions", () => {
  test.each([
    { customer: "T-0001", current: "retention_call", keys: ["retention_sms", "retention_email"], label: "a customer allowing every channel, minus the current one" },
    { customer: "T-0002", current: "retention_email", keys: [], label: "an email-only customer whose only contact is the current one" },
    { customer: "T-0002", current: null, keys: ["retention_email"], label: "an email-only customer" },
    { customer: "T-0003", current: "retention_call", keys: [], label: "a customer with no permission record" },
  ])("offers only allowed contact treatments for $label", async ({ customer, current, keys }) => {
    const j = (await loadCustomerJourney(pool, customer, { asOf: AS_OF }))!;
    const options = overrideOptions({ facts: customerFactsOf(j, AS_OF), catalog: await loadCatalog(pool), currentKey: current });
    expect(options.map((o) => o.treatmentKey).sort()).toEqual([...keys].sort());
    for (const o of options) expect(o.statement).toMatch(/marketing allowed/);
    expect(options.map((o) => o.expectedValue)).toEqual([...options.map((o) => o.expectedValue)].sort((a, b) => b - a));
  });
});
