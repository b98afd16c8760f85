import { parse } from "csv-parse/sync";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../auth/roles";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { insertCustomers, insertRecommendation, insertResource, insertRun, insertTreatment } from "../queries/test-fixtures";
import { createSegment } from "../pipeline/segments";
import { csvCell, csvFilename } from "./csv";
import { type ExportKind, exportCsv } from "./exports";

const ROWS = 100_000;
const MANAGER: Actor = { id: null, label: "Test Manager (manager)", role: "manager" };

let t: TestDatabase;
let pool: pg.Pool;
let atRiskSegmentId = "";

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 4 });
  await insertCustomers(t.prisma, [
    { id: "C1", name: "=HYPERLINK(\"http://example.test\")" },
    { id: "C2", name: "Ann, \"Annie\" Example" },
  ]);
  await insertResource(t.prisma, { key: "call_center_slots", name: "Call-centre slots" });
  await insertTreatment(t.prisma, { key: "retention_call", name: "Retention call", resourceKey: "call_center_slots" });
  // One attempt a second from 1 Jan 2026 09:00 UTC: 100,000 seconds is a little over a day.
  await pool.query(
    `INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", outcome, reason, "periodStart", "createdAt")
     SELECT 'call_center_slots', 'retention_call', CASE WHEN n % 2 = 0 THEN 'C1' ELSE 'C2' END,
            (CASE WHEN n % 4 = 3 THEN 'denied' ELSE 'held' END)::"AllocationOutcome",
            'attempt ' || n,
            timestamp '2026-01-01 00:00', timestamp '2026-01-01 09:00' + n * interval '1 second'
       FROM generate_series(1, $1::int) AS n`,
    [ROWS],
  );
  const run = await insertRun(t.prisma);
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "C1", treatmentKey: "retention_call", confidence: 0.9 });
  await insertRecommendation(t.prisma, { runId: run.id, customerId: "C2", treatmentKey: "retention_call", confidence: 0.4 });
  // C2 at risk, C1 calm: a saved segment "At risk" holds only C2.
  for (const [customerId, churnRisk] of [["C1", 0.2], ["C2", 0.8]] as const) {
    await t.prisma.customerInsight.create({
      data: { customerId, churnRisk, lifetimeValue: "100.00", valueTier: "medium", monthlyRevenue: "25.00", tenureMonths: 12, complaintCount: 0, complaintsLast90Days: 0, incidentsLast90Days: 0, latePayments: 0, missedPayments: 0, patterns: [], asOf: new Date("2026-12-01T00:00:00Z") },
    });
  }
  atRiskSegmentId = (await createSegment(pool, { segment: { name: "At risk", kind: "rule", rule: { minRisk: 0.5 } }, actor: MANAGER })).id;
}, 120_000);

afterAll(async () => {
  await pool.end();
  await t.drop();
});

/** Reads a download to the end, keeping only what a test needs: the chunk count, the line count and, when asked, the text. */
async function read(response: Response, { keepText = false } = {}): Promise<{ chunks: number; lines: number; text: string; peakHeapGrowth: number }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let chunks = 0;
  let lines = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks += 1;
    for (const byte of value) if (byte === 0x0a) lines += 1;
    if (keepText) text += decoder.decode(value, { stream: true });
    if (chunks % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  return { chunks, lines, text, peakHeapGrowth: Math.max(peak, process.memoryUsage().heapUsed) - baseline };
}

const exportOf = (kind: ExportKind, query = "") => exportCsv({ pool, actor: MANAGER, kind, searchParams: new URLSearchParams(query), now: new Date("2026-12-07T10:00:00Z") });

test("streams 100,000 allocations with every row and under 64 MB of heap growth", async () => {
  const response = await exportOf("allocations");
  expect(response.headers.get("content-disposition")).toBe('attachment; filename="allocation-history-2026-12-07.csv"');
  const { chunks, lines, peakHeapGrowth } = await read(response);
  expect(lines).toBe(ROWS + 1);
  // Many small chunks, not one body built in memory.
  expect(chunks).toBeGreaterThan(100);
  expect(peakHeapGrowth).toBeLessThan(64 * 1024 * 1024);
}, 120_000);

describe("filters and cells", () => {
  test.each([
    { query: "outcome=denied", rows: ROWS / 4, title: "denied only keeps every fourth" },
    { query: "from=2026-01-02", rows: ROWS - (15 * 3600 - 1), title: "from 2 Jan (UK) leaves out 1 Jan's 53,999" },
    { query: "outcome=denied&to=2026-01-01", rows: 13_500, title: "denied up to 1 Jan (UK) keeps 1 Jan's every fourth" },
  ])("allocation export as filtered: $title", async ({ query, rows }) => {
    const { lines } = await read(await exportOf("allocations", query));
    expect(lines).toBe(rows + 1);
  }, 60_000);

  test("text a spreadsheet would run is written as text; commas and quotes survive", async () => {
    const { text } = await read(await exportOf("review-queue"), { keepText: true });
    const records = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(records.map((r) => r.customer)).toEqual(["'=HYPERLINK(\"http://example.test\")", 'Ann, "Annie" Example']);
  });

  test.each([
    { query: "", ids: ["C1", "C2"], title: "no filter keeps both pending" },
    { query: "minConfidence=50", ids: ["C1"], title: "a 50% minimum leaves out the 40% one" },
    { query: "q=annie", ids: ["C2"], title: "a search by name keeps only the match" },
    { query: "sort=confidence&dir=asc", ids: ["C2", "C1"], title: "the screen's order by confidence, lowest first, is the file's" },
    { query: "saved=segment:at-risk", ids: ["C2"], title: "a saved segment keeps only its members" },
    { query: "saved=00000000-0000-4000-8000-000000000000", ids: [], title: "an id that names no segment keeps nothing, as the screen lists nothing" },
  ])("review queue export as filtered: $title", async ({ query, ids }) => {
    const { text } = await read(await exportOf("review-queue", query.replace("segment:at-risk", atRiskSegmentId)), { keepText: true });
    const records = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(records.map((r) => r.customer_id)).toEqual(ids);
  });
});

test("an export is written to the audit trail with its filter and row count once it has finished", async () => {
  // Other cases export with the same filter: this one's entry is the one that appears after its download.
  const entries = () =>
    pool.query<{ action: string; entityId: string; after: unknown }>(
      `SELECT action, "entityId", after FROM "AuditLog" WHERE action = 'data.export' AND after->>'filter' = '{"outcome": "denied"}' ORDER BY "createdAt" DESC`,
    );
  const before = (await entries()).rows.length;
  await read(await exportOf("allocations", "outcome=denied"));
  // The entry is written as the stream ends, after the last chunk has been read.
  let rows = (await entries()).rows;
  for (let waited = 0; rows.length === before && waited < 5_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    rows = (await entries()).rows;
  }
  expect(rows).toHaveLength(before + 1);
  expect(rows[0]).toMatchObject({ action: "data.export", entityId: "allocations", after: { file: "allocation-history-2026-12-07.csv", filter: { outcome: "denied" }, rows: ROWS / 4 } });
  const audit = await read(await exportOf("audit", "action=data.export"), { keepText: true });
  expect(audit.text).toContain("allocation-history-2026-12-07.csv");
  await new Promise((resolve) => setImmediate(resolve));
}, 60_000);

test("refuses anyone signed out with 401 and no file", async () => {
  const response = await exportCsv({ pool, actor: null, kind: "allocations", searchParams: new URLSearchParams() });
  expect(response.status).toBe(401);
  expect(response.headers.get("content-disposition")).toBeNull();
});

test.each([
  { value: "=SUM(A1:A2)", written: "'=SUM(A1:A2)", title: "a formula gets an apostrophe" },
  { value: "+44 20 7946 0000", written: "'+44 20 7946 0000", title: "text starting with + gets an apostrophe" },
  { value: "-2 units", written: "'-2 units", title: "text starting with - gets an apostrophe" },
  { value: "@SUM(1)", written: "'@SUM(1)", title: "text starting with @ gets an apostrophe" },
  { value: "\t=1", written: "'\t=1", title: "a tab before a formula gets an apostrophe" },
  { value: "Ann = Annie", written: "Ann = Annie", title: "an = inside text is left alone" },
  { value: -2.5, written: "-2.5", title: "a negative number stays a number" },
  { value: true, written: "true", title: "a boolean is written as true or false" },
  { value: null, written: "", title: "null is an empty cell" },
  { value: new Date("2026-01-01T09:00:00Z"), written: "2026-01-01T09:00:00.000Z", title: "a time is ISO 8601 UTC" },
])("cell: $title", ({ value, written }) => {
  expect(csvCell(value)).toBe(written);
});

test.each([
  { now: "2026-12-07T23:59:59Z", name: "audit-trail-2026-12-07.csv", title: "the last second of a day names that day" },
  { now: "2026-12-08T00:00:00Z", name: "audit-trail-2026-12-08.csv", title: "midnight names the new day" },
])("filename: $title", ({ now, name }) => {
  expect(csvFilename("audit-trail", new Date(now))).toBe(name);
});
