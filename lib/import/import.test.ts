// Imports against a real PostgreSQL: the full Telco data set, re-imports, refused files.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "../database/testing";
import type { TestDatabase } from "../database/testing";
import { importCustomersFile } from "./index";
import type { ImportOutcome, ImportSummary } from "./index";
import { scratchDir, telcoCsv, telcoRow } from "./testing/telco-rows";

const TELCO_FILE = path.resolve(import.meta.dirname, "../../../shared/datasets/telco-customer-churn.csv");

const summaryOf = (outcome: ImportOutcome): ImportSummary => {
  if (!outcome.ok) throw new Error(`import refused: ${JSON.stringify(outcome)}`);
  return outcome.summary;
};

let dir: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  dir = await scratchDir();
});
afterAll(() => dir.cleanup());

describe("importing the Telco Customer Churn data set", () => {
  let db: TestDatabase;
  let first: ImportSummary;
  beforeAll(async () => {
    db = await createTestDatabase();
    first = summaryOf(await importCustomersFile({ url: db.url, filePath: TELCO_FILE }));
  }, 120_000);
  afterAll(() => db.drop());

  test("loads 7,043 customers, 1,869 of them churned", async () => {
    expect(first).toMatchObject({ rowsRead: 7043, inserted: 7043, updated: 0, skipped: [] });
    expect(await db.prisma.customer.count({ where: { source: "import" } })).toBe(7043);
    expect(await db.prisma.customer.count({ where: { churned: true } })).toBe(1869);
    expect(await db.prisma.customer.count({ where: { churned: false } })).toBe(5174);
  });

  test("stores the 11 blank TotalCharges as null, all tenure 0, and explains it", async () => {
    const blank = await db.prisma.customer.findMany({ where: { totalRevenue: null }, select: { tenureMonths: true, monthlyRevenue: true } });
    expect(blank).toHaveLength(11);
    expect(blank.every((c) => c.tenureMonths === 0 && c.monthlyRevenue.toNumber() > 0)).toBe(true);
    expect(first.facts.blankTotalCharges.count).toBe(11);
    expect(first.notes[0]).toMatch(/^TotalCharges was blank \(empty or spaces\) for 11 customers .* all with tenure 0/);
  });

  test("records the batch with its counts and notes", async () => {
    const batch = await db.prisma.importBatch.findUniqueOrThrow({ where: { id: first.batchId } });
    expect(batch).toMatchObject({ fileName: "telco-customer-churn.csv", format: "csv", rowsRead: 7043, rowsImported: 7043, rowsSkipped: 0 });
    expect(batch.report).toMatchObject({ inserted: 7043, updated: 0, blankTotalCharges: { count: 11 }, churned: { yes: 1869, no: 5174, unknown: 0 } });
    expect((batch.report as { notes: string[] }).notes.join(" ")).toContain("no marketing contact");
  });

  test("maps a row's columns onto the profile and keeps them all in attributes", async () => {
    const c = await db.prisma.customer.findUniqueOrThrow({ where: { id: "7590-VHVEG" } });
    expect(c).toMatchObject({ name: "Customer 7590-VHVEG", segment: "family", plan: "DSL broadband", contractType: "month_to_month", tenureMonths: 1, valueTier: "medium", region: "Unknown", language: "en", source: "import", churned: false, importBatchId: first.batchId });
    expect(c.monthlyRevenue.toString()).toBe("29.85");
    expect(Object.keys(c.attributes as object)).toHaveLength(21);
  });

  test("invents no contact permissions", async () => {
    expect(await db.prisma.contactPermission.count()).toBe(0);
    expect(await db.prisma.contactPreference.count()).toBe(0);
  });

  test("a second import of the same file updates the 7,043 in place and keeps their journeys", async () => {
    await db.prisma.journeyEvent.create({ data: { customerId: "7590-VHVEG", type: "complaint", occurredAt: new Date("2026-01-05"), summary: "Slow broadband" } });
    await db.prisma.contactPermission.create({ data: { customerId: "7590-VHVEG", channel: "email", marketing: true, serviceUpdates: true, billing: true } });

    const second = summaryOf(await importCustomersFile({ url: db.url, filePath: TELCO_FILE, chunkSize: 1000 }));
    expect(second).toMatchObject({ rowsRead: 7043, inserted: 0, updated: 7043 });
    expect(second.previousImportAt).not.toBeNull();
    expect(await db.prisma.customer.count()).toBe(7043);
    expect(await db.prisma.customer.count({ where: { importBatchId: second.batchId } })).toBe(7043);
    expect(await db.prisma.journeyEvent.count({ where: { customerId: "7590-VHVEG" } })).toBe(1);
    expect(await db.prisma.contactPermission.count({ where: { customerId: "7590-VHVEG" } })).toBe(1);
    expect(await db.prisma.importBatch.count()).toBe(2);
  }, 60_000);
});

describe("refused and partial imports", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const snapshot = async () => ({
    customers: await db.prisma.customer.findMany({ orderBy: { id: "asc" }, select: { id: true, plan: true, tenureMonths: true, updatedAt: true } }),
    batches: await db.prisma.importBatch.count(),
  });

  test("a file with a bad row changes nothing and names the line", async () => {
    summaryOf(await importCustomersFile({ url: db.url, filePath: await dir.write("base.csv", telcoCsv([telcoRow("B-1"), telcoRow("B-2")])) }));
    const before = await snapshot();

    const bad = await dir.write("bad.csv", telcoCsv([telcoRow("B-1", { tenure: "12", TotalCharges: "358.2" }), telcoRow("B-3"), telcoRow("B-4", { tenure: "soon" })]));
    const outcome = await importCustomersFile({ url: db.url, filePath: bad });
    expect(outcome).toEqual({ ok: false, kind: "invalid_rows", rowsRead: 3, problems: [{ where: "line 4", reason: 'tenure "soon" is not a whole number of months' }], problemsTotal: 1 });
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    ["CSV", "repeat.csv", telcoCsv([telcoRow("R-1"), telcoRow("R-2"), telcoRow("R-1"), telcoRow("R-1", { tenure: "x" })]), [
      { where: "line 4", reason: "customerID R-1 repeats line 2" },
      { where: "line 5", reason: expect.stringContaining('tenure "x"') },
    ]],
    ["JSON", "repeat.json", JSON.stringify([telcoRow("R-1"), telcoRow("R-2"), telcoRow("R-2")]), [{ where: "record 3", reason: "customerID R-2 repeats record 2" }]],
  ])("a customerID repeated in a %s file is refused on its later rows, listed in file order with the other problems", async (_format, name, text, problems) => {
    const before = await snapshot();
    const outcome = await importCustomersFile({ url: db.url, filePath: await dir.write(name, text) });
    expect(outcome).toMatchObject({ ok: false, kind: "invalid_rows", problems, problemsTotal: problems.length });
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    ["a quote never closed", `${telcoCsv([telcoRow("Q-1")])}"Q-2,x\r\n`, "quote.csv: line 3: a quoted field is never closed"],
    ["more rows than IMPORT_MAX_ROWS allows", telcoCsv([telcoRow("Q-1"), telcoRow("Q-2"), telcoRow("Q-3")]), "rows.csv: more than 2 rows (IMPORT_MAX_ROWS); split the file"],
  ])("a file with %s is refused whole and changes nothing", async (_name, text, reason) => {
    const before = await snapshot();
    const file = await dir.write(reason.split(":")[0]!, text);
    expect(await importCustomersFile({ url: db.url, filePath: file, isSkipInvalid: true, limits: { maxRows: 2 } })).toEqual({ ok: false, kind: "invalid_file", reason: expect.stringContaining(reason) });
    expect(await snapshot()).toEqual(before);
  });

  test("a failure while writing rolls everything back, the batch record too", async () => {
    const before = await snapshot();
    // The database refuses one customer after earlier chunks were written: a fault injected by trigger.
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_b6() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 'B-6' THEN RAISE EXCEPTION 'refused B-6'; END IF; RETURN NEW; END $$`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_b6 BEFORE INSERT ON "Customer" FOR EACH ROW EXECUTE FUNCTION refuse_b6()`);
    try {
      const file = await dir.write("fault.csv", telcoCsv([telcoRow("B-1", { tenure: "40", TotalCharges: "1194" }), telcoRow("B-5"), telcoRow("B-6")]));
      await expect(importCustomersFile({ url: db.url, filePath: file, chunkSize: 1 })).rejects.toThrow("refused B-6");
      expect(await snapshot()).toEqual(before);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_b6 ON "Customer"`);
    }
  });

  test("--skip-invalid imports the good rows and reports the skipped ones", async () => {
    const file = await dir.write("mixed.csv", telcoCsv([telcoRow("S-1"), telcoRow("S-2", { Contract: "Weekly" }), telcoRow("S-3"), telcoRow("S-1")]));
    const summary = summaryOf(await importCustomersFile({ url: db.url, filePath: file, isSkipInvalid: true }));
    expect(summary).toMatchObject({ rowsRead: 4, inserted: 2, updated: 0, skippedTotal: 2 });
    expect(summary.skipped).toEqual([
      { where: "line 3", reason: expect.stringContaining('Contract "Weekly"') },
      { where: "line 5", reason: "customerID S-1 repeats line 2" },
    ]);
    expect(await db.prisma.customer.count({ where: { id: { in: ["S-1", "S-2", "S-3"] } } })).toBe(2);
    const batch = await db.prisma.importBatch.findUniqueOrThrow({ where: { id: summary.batchId } });
    expect(batch).toMatchObject({ rowsRead: 4, rowsImported: 2, rowsSkipped: 2, report: { skippedTotal: 2 } });
  });

  test("imports JSON, updating a customer that came from CSV", async () => {
    const records = [
      { ...telcoRow("B-1"), tenure: 24, MonthlyCharges: 95.5, TotalCharges: 2290.75, InternetService: "Fiber optic", PhoneService: "Yes", MultipleLines: "Yes", Churn: "Yes" },
      { ...telcoRow("J-9"), SeniorCitizen: 1, tenure: 0, TotalCharges: null },
    ];
    const summary = summaryOf(await importCustomersFile({ url: db.url, filePath: await dir.write("customers.json", JSON.stringify({ customers: records })) }));
    expect(summary).toMatchObject({ format: "json", rowsRead: 2, inserted: 1, updated: 1 });
    const updated = await db.prisma.customer.findUniqueOrThrow({ where: { id: "B-1" } });
    expect(updated).toMatchObject({ tenureMonths: 24, plan: "Fibre broadband & phone", churned: true, valueTier: "premium" });
    expect(updated.totalRevenue?.toString()).toBe("2290.75");
    expect(updated.attributes).toMatchObject({ tenure: 24, MonthlyCharges: 95.5 });
    expect(await db.prisma.customer.findUniqueOrThrow({ where: { id: "J-9" } })).toMatchObject({ segment: "senior", totalRevenue: null });
  });
});
