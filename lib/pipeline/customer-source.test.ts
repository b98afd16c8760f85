import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { insertCustomers, insertRecommendation, insertRun, insertTreatment } from "../queries/test-fixtures";
import { CONTACT_STATUSES } from "../agents/journey/build";
import { createPgCustomerSource, loadCustomersFromPg, utcIsoFromPg } from "./customer-source";

let t: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 5 });
  await insertCustomers(t.prisma, [
    {
      id: "SEED-1",
      name: "Ada Lovelace",
      plan: "Handset 30GB",
      contractType: "two_year",
      tenureMonths: 30,
      monthlyRevenue: "38.50",
      totalRevenue: "1100.25",
      valueTier: "high",
      language: "cy",
      attributes: { story: "bill_shock", lines: 1 },
    },
    {
      id: "IMP-1",
      name: "  Grace Hopper  ",
      segment: " ",
      plan: "Fiber optic",
      contractType: "",
      tenureMonths: 2,
      monthlyRevenue: "70.70",
      valueTier: "medium",
      region: "",
      language: " ",
      source: "import",
      attributes: { Contract: "Month-to-month", InternetService: "Fiber optic", PaymentMethod: "Electronic check" },
    },
    { id: "QUIET-1" },
  ]);
  // Inserted out of time order: the source must return them in time order.
  await t.prisma.journeyEvent.createMany({
    data: [
      { customerId: "SEED-1", type: "complaint", occurredAt: new Date("2026-10-05T09:30:00.123Z"), summary: "Complaint (billing): too high ", attributes: { category: "billing", note: "too high" } },
      { customerId: "SEED-1", type: "billing", occurredAt: new Date("2026-09-03T06:00:00Z"), summary: "Bill £38.50", attributes: { total: 38.5 } },
      { customerId: "SEED-1", type: "billing", occurredAt: new Date("2026-10-03T06:00:00Z"), summary: "Bill £120.00", attributes: { total: 120, additionalCharges: 81.5 } },
      { customerId: "QUIET-1", type: "device", occurredAt: new Date("2026-01-01T00:00:00Z"), summary: "Using a phone", attributes: { ageMonths: 30 } },
    ],
  });
  await t.prisma.contactPermission.createMany({
    data: [
      { customerId: "SEED-1", channel: "sms", marketing: false, serviceUpdates: true, billing: true },
      { customerId: "SEED-1", channel: "email", marketing: true, serviceUpdates: true, billing: false },
    ],
  });
  await t.prisma.contactPreference.create({
    data: { customerId: "SEED-1", preferredLanguage: "cy", contactWindowStart: "09:00", contactWindowEnd: "20:00", dndStart: "", dndEnd: null, timeZone: "Europe/London" },
  });
  await t.prisma.contactPreference.create({ data: { customerId: "IMP-1", preferredLanguage: " ", timeZone: " " } });
  await insertTreatment(t.prisma, { key: "retention_sms", channel: "sms" });
  const run = await insertRun(t.prisma);
  const older = await insertRun(t.prisma);
  await insertRecommendation(t.prisma, { runId: older.id, customerId: "SEED-1", treatmentKey: "retention_sms", status: "approved", createdAt: new Date("2026-08-01T10:00:00Z"), reviewedAt: new Date("2026-08-02T11:00:00Z") });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "SEED-1", treatmentKey: "retention_sms", status: "pending_review", createdAt: new Date("2026-11-01T10:00:00Z") });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "QUIET-1", treatmentKey: null, status: "no_action", createdAt: new Date("2026-11-01T10:00:00Z") });
});

afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("createPgCustomerSource", () => {
  test("loads the profile with money as numbers", async () => {
    const found = await createPgCustomerSource(pool).loadCustomers(["SEED-1"]);
    expect(found.get("SEED-1")?.profile).toEqual({
      id: "SEED-1",
      name: "Ada Lovelace",
      segment: "consumer",
      plan: "Handset 30GB",
      contractType: "two_year",
      tenureMonths: 30,
      monthlyRevenue: 38.5,
      totalRevenue: 1100.25,
      valueTier: "high",
      region: "London",
      language: "cy",
      source: "seed",
      attributes: { story: "bill_shock", lines: 1 },
    });
  });

  test("loads events in time order with UTC ISO times and their attributes", async () => {
    const data = (await loadCustomersFromPg(pool, ["SEED-1"])).get("SEED-1")!;
    expect(data.events.map((e) => [e.type, e.occurredAt])).toEqual([
      ["billing", "2026-09-03T06:00:00.000Z"],
      ["billing", "2026-10-03T06:00:00.000Z"],
      ["complaint", "2026-10-05T09:30:00.123Z"],
    ]);
    expect(data.events[1]).toMatchObject({ id: expect.stringMatching(/^\d+$/), summary: "Bill £120.00", attributes: { total: 120, additionalCharges: 81.5 } });
    expect(data.events[2]?.summary).toBe("Complaint (billing): too high");
  });

  test("loads consent per channel in channel order and the contact preferences", async () => {
    const { permissions } = (await loadCustomersFromPg(pool, ["SEED-1"])).get("SEED-1")!;
    expect(permissions).toEqual({
      hasRecord: true,
      channels: [
        { channel: "email", marketing: true, serviceUpdates: true, billing: false },
        { channel: "sms", marketing: false, serviceUpdates: true, billing: true },
      ],
      preferences: { preferredLanguage: "cy", contactWindowStart: "09:00", contactWindowEnd: "20:00", dndStart: null, dndEnd: null, timeZone: "Europe/London" },
    });
  });

  test("loads our contacts (approved or overridden decisions), oldest first, dated from their review; one awaiting review is left out", async () => {
    const data = await loadCustomersFromPg(pool, ["SEED-1", "QUIET-1"]);
    expect(data.get("SEED-1")?.priorContacts).toEqual([{ treatmentKey: "retention_sms", status: "approved", decidedAt: "2026-08-02T11:00:00.000Z", channel: "sms" }]);
    expect(data.get("QUIET-1")?.priorContacts).toEqual([]);
  });

  test("normalises an imported customer: trimmed text, contract from the file, default language and time zone", async () => {
    const data = (await loadCustomersFromPg(pool, ["IMP-1"])).get("IMP-1")!;
    expect(data.profile).toMatchObject({ name: "Grace Hopper", segment: "unknown", contractType: "Month-to-month", region: "unknown", language: "en", source: "import", monthlyRevenue: 70.7, totalRevenue: null });
    expect(data.events).toEqual([]);
    expect(data.permissions).toEqual({
      hasRecord: true,
      channels: [],
      preferences: { preferredLanguage: "en", contactWindowStart: null, contactWindowEnd: null, dndStart: null, dndEnd: null, timeZone: "Europe/London" },
    });
  });

  test("a customer with no consent rows has no record", async () => {
    const data = (await loadCustomersFromPg(pool, ["QUIET-1"])).get("QUIET-1")!;
    expect(data.permissions).toEqual({ hasRecord: false, channels: [], preferences: null });
    expect(data.events).toHaveLength(1);
  });

  test("missing ids are absent and duplicates load once", async () => {
    const found = await loadCustomersFromPg(pool, ["SEED-1", "NOPE", "IMP-1", "SEED-1", "QUIET-1"]);
    expect([...found.keys()].sort()).toEqual(["IMP-1", "QUIET-1", "SEED-1"]);
    expect(found.has("NOPE")).toBe(false);
  });

  test("no ids load nothing", async () => {
    expect((await loadCustomersFromPg(pool, [])).size).toBe(0);
  });

  test("on a transaction's client the reads go one at a time (a connection runs one statement at once) and load what the pool loads", async () => {
    const ids = ["SEED-1", "IMP-1", "QUIET-1"];
    const client = await pool.connect();
    let running = 0;
    let mostAtOnce = 0;
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const watched = Object.assign(Object.create(client) as pg.PoolClient, {
      query: async (...args: unknown[]) => {
        mostAtOnce = Math.max(mostAtOnce, ++running);
        try {
          return await query(...args);
        } finally {
          running--;
        }
      },
    });
    try {
      await client.query("BEGIN");
      const inTransaction = await loadCustomersFromPg(watched, ids);
      await client.query("COMMIT");
      expect(mostAtOnce).toBe(1);
      expect(inTransaction).toEqual(await loadCustomersFromPg(pool, ids));
    } finally {
      client.release();
    }
  });

  test("each customer's rows stay with that customer", async () => {
    const found = await loadCustomersFromPg(pool, ["SEED-1", "QUIET-1"]);
    expect(found.get("QUIET-1")?.events.map((e) => e.type)).toEqual(["device"]);
    expect(found.get("SEED-1")?.events).toHaveLength(3);
  });
});

describe("utcIsoFromPg", () => {
  test("writes stored timestamps as UTC ISO with milliseconds", () => {
    expect(utcIsoFromPg("2026-05-12T11:51:29")).toBe("2026-05-12T11:51:29.000Z");
    expect(utcIsoFromPg("2026-05-12T11:51:29.5")).toBe("2026-05-12T11:51:29.500Z");
    expect(utcIsoFromPg("2026-05-12T11:51:29.123456")).toBe("2026-05-12T11:51:29.123Z");
    expect(utcIsoFromPg("2026-05-12T11:51:29.999999")).toBe("2026-05-12T11:51:29.999Z");
  });

  test("agrees with PostgreSQL's own formatting for stored values", async () => {
    const { rows } = await pool.query<{ raw: string; formatted: string }>(
      `SELECT to_json(t)#>>'{}' AS raw, to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS formatted
           FROM unnest(ARRAY['2026-01-01 00:00:00', '2026-10-05 09:30:00.123', '2026-10-05 09:30:00.123987', '1999-12-31 23:59:59.9']::timestamp[]) AS t`,
      );
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(utcIsoFromPg(r.raw)).toBe(r.formatted);
  });
});

test("a customer's contacts are read through the partial index of contacts, which holds exactly the contact statuses", async () => {
  const { rows: index } = await pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'Recommendation_contacts_idx'`);
  expect([...index[0]!.indexdef.matchAll(/'(\w+)'::"RecommendationStatus"/g)].map((m) => m[1]).sort()).toEqual([...CONTACT_STATUSES].sort());
  // The statement the load sends, explained with sequential scans ruled out: the planner may use the partial index only if the statement implies its condition.
  const sent: { text: string; values: unknown[] }[] = [];
  const recording = { query: (text: string, values: unknown[]) => (sent.push({ text, values }), pool.query(text, values)) } as unknown as pg.Pool;
  await loadCustomersFromPg(recording, ["SEED-1"]);
  const contacts = sent.find((s) => s.text.includes("row_number()"))!;
  const client = await pool.connect();
  try {
    await client.query("SET enable_seqscan = off");
    const { rows: plan } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${contacts.text}`, contacts.values);
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("Recommendation_contacts_idx");
  } finally {
    await client.query("RESET enable_seqscan");
    client.release();
  }
});
