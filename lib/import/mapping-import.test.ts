// Importing files of other layouts through a mapping, against a real PostgreSQL, and the refusal
// that a file in another layout meets without one.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { importCustomersFile, type ImportOutcome, type ImportSummary } from "./index";
import { parseMappingText } from "./mapping-file";
import type { Mapping } from "./mapping";
import { TELCO_COLUMNS } from "./telco";
import { runImportCommand } from "./testing/run-import";
import { STATE_CHURN_COLUMNS, stateChurnCsv, stateRow } from "./testing/state-churn-rows";
import { scratchDir } from "./testing/telco-rows";

const EXAMPLES = path.resolve(import.meta.dirname, "../../examples/mappings");
const STATE_MAPPING = path.join(EXAMPLES, "telecom-churn-by-state.json");
const TELCO_MAPPING = path.join(EXAMPLES, "telco-customer-churn.json");
const TELCO_FILE = path.resolve(import.meta.dirname, "../../../shared/datasets/telco-customer-churn.csv");

const mappingIn = (file: string): Mapping => {
  const checked = parseMappingText(readFileSync(file, "utf8"));
  if (!checked.ok) throw new Error(checked.problems.join("; "));
  return checked.mapping;
};
const summaryOf = (outcome: ImportOutcome): ImportSummary => {
  if (!outcome.ok) throw new Error(`import refused: ${JSON.stringify(outcome)}`);
  return outcome.summary;
};

const stateRows = [
  stateRow(),
  stateRow({ State: "OH", "Account length": "107", "International plan": "Yes", "Voice mail plan": "No", "Total day charge": "27.47", "Churn": "True" }),
  stateRow({ State: "NJ", "Account length": "1", "Voice mail plan": "No", "Total day charge": "10.00", "Total eve charge": "5.00", "Total night charge": "3.00", "Total intl charge": "1.00" }),
];

let dir: Awaited<ReturnType<typeof scratchDir>>;
let db: TestDatabase;
beforeAll(async () => {
  dir = await scratchDir();
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  await dir.cleanup();
});

const tableCounts = async () => ({ customers: await db.prisma.customer.count(), batches: await db.prisma.importBatch.count() });

describe("the state-by-state layout", () => {
  test("without a mapping, is refused whole, naming the unknown and the missing columns, and changes nothing", async () => {
    const before = await tableCounts();
    const outcome = await importCustomersFile({ url: db.url, filePath: await dir.write("churn-by-state.csv", stateChurnCsv(stateRows)) });
    expect(outcome).toMatchObject({ ok: false, kind: "invalid_file" });
    const reason = !outcome.ok && "reason" in outcome ? outcome.reason : "";
    expect(reason).toContain(`the header lacks columns ${TELCO_COLUMNS.filter((c) => c !== "Churn").join(", ")}`);
    expect(reason).toContain(`columns the Telco layout does not know: ${STATE_CHURN_COLUMNS.filter((c) => c !== "Churn").join(", ")}`);
    expect(reason).toContain("--mapping FILE; examples in examples/mappings/");
    expect(await tableCounts()).toEqual(before);
  });

  test("through its mapping, loads every row with the documented defaults for what the file lacks", async () => {
    const summary = summaryOf(await importCustomersFile({ url: db.url, filePath: await dir.write("churn-by-state.csv", stateChurnCsv(stateRows)), mapping: mappingIn(STATE_MAPPING) }));
    expect(summary).toMatchObject({ rowsRead: 3, inserted: 3, updated: 0, skippedTotal: 0 });
    const customers = await db.prisma.customer.findMany({ where: { importBatchId: summary.batchId }, orderBy: { id: "asc" } });
    expect(customers.map((c) => ({ ...c, monthlyRevenue: c.monthlyRevenue.toFixed(2) }))).toEqual([
      expect.objectContaining({ id: "TC-2", region: "KS", tenureMonths: 4, monthlyRevenue: "75.56", plan: "Phone with voicemail", churned: false }),
      expect.objectContaining({ id: "TC-3", region: "OH", tenureMonths: 4, monthlyRevenue: "57.96", plan: "Phone with international calls", churned: true }),
      expect.objectContaining({ id: "TC-4", region: "NJ", tenureMonths: 0, monthlyRevenue: "19.00", plan: "Phone", valueTier: "low" }),
    ]);
    for (const c of customers) {
      expect(c).toMatchObject({ segment: "consumer", contractType: "unknown", totalRevenue: null, language: "en", source: "import" });
      expect(Object.keys(c.attributes as object).sort()).toEqual([...STATE_CHURN_COLUMNS].sort());
    }
    const notes = summary.notes.join(" ");
    expect(notes).toContain('Read with the mapping "Telecom churn by state');
    expect(notes).toContain('The mapping leaves out totalRevenue, language, so: totalRevenue unknown (null, shown as a dash); language "en"');
  });

  test("importing the same file again through the mapping updates the same customers", async () => {
    const summary = summaryOf(await importCustomersFile({ url: db.url, filePath: await dir.write("churn-by-state.csv", stateChurnCsv(stateRows)), mapping: mappingIn(STATE_MAPPING) }));
    expect(summary).toMatchObject({ inserted: 0, updated: 3 });
  });

  test.each([
    {
      title: "a mapping that leaves out the monthly revenue is refused naming it, before anything is read",
      mapping: { name: "Broken", customer: { id: { template: "X-{$row}" }, tenureMonths: { column: "Account length", unit: "days" } } },
      exitCode: 2,
      stderr: "says nothing of monthlyRevenue, which have no default",
    },
    {
      title: "a mapping that is not JSON is refused saying so",
      mapping: "{ name: ",
      exitCode: 2,
      stderr: "broken.json: not JSON",
    },
  ])("on the command line, $title", async ({ mapping, exitCode, stderr }) => {
    const mappingFile = await dir.write("broken.json", typeof mapping === "string" ? mapping : JSON.stringify(mapping));
    const before = await tableCounts();
    const run = await runImportCommand({ args: [await dir.write("cli.csv", stateChurnCsv(stateRows)), "--mapping", mappingFile], databaseUrl: db.url });
    expect(run.exitCode).toBe(exitCode);
    expect(run.stderr).toContain(stderr);
    expect(await tableCounts()).toEqual(before);
  }, 60_000);

  test("on the command line, the example mapping imports the file and prints the report", async () => {
    const run = await runImportCommand({ args: [await dir.write("cli.csv", stateChurnCsv(stateRows)), "--mapping", STATE_MAPPING], databaseUrl: db.url });
    // Standard error carries the progress lines only.
    expect(run.stderr.split("\n").filter((line) => line !== "" && !/^\[import\] (reading|writing) /.test(line))).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/inserted +0\n +updated +3/);
  }, 60_000);
});

describe("the Telco data set through the Telco example mapping", () => {
  let other: TestDatabase;
  beforeAll(async () => {
    other = await createTestDatabase();
  });
  afterAll(() => other.drop());

  test("gives exactly the customers the built-in layout gives", async () => {
    const builtIn = summaryOf(await importCustomersFile({ url: other.url, filePath: TELCO_FILE }));
    const mapped = summaryOf(await importCustomersFile({ url: db.url, filePath: TELCO_FILE, mapping: mappingIn(TELCO_MAPPING) }));
    expect(mapped).toMatchObject({ rowsRead: 7043, inserted: 7043, skippedTotal: 0 });
    expect(builtIn).toMatchObject({ rowsRead: 7043, inserted: 7043 });
    const read = (t: TestDatabase) =>
      t.prisma.customer.findMany({
        where: { source: "import", id: { not: { startsWith: "TC-" } } },
        orderBy: { id: "asc" },
        select: { id: true, name: true, segment: true, plan: true, contractType: true, tenureMonths: true, monthlyRevenue: true, totalRevenue: true, valueTier: true, region: true, language: true, churned: true, attributes: true },
      });
    const [a, b] = await Promise.all([read(db), read(other)]);
    expect(a).toHaveLength(7043);
    expect(a).toEqual(b);
  }, 120_000);
});
