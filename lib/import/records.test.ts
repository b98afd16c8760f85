// Journey events and contact permissions imported from CSV against a real PostgreSQL, beside
// customers imported first.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { importCustomersFile, importLimitsFrom, openImportFile } from "./index";
import { isoTime, mapEventRow, mapPermissionRow } from "./journey-columns";
import { importRecords, type RecordKind, type RecordsOutcome } from "./records";
import type { SourceRow } from "./source";
import { scratchDir, telcoCsv, telcoRow } from "./testing/telco-rows";

const csv = (rows: string[][]) => `${rows.map((r) => r.join(",")).join("\r\n")}\r\n`;
const row = (fields: Record<string, string>): SourceRow => ({ where: "line 2", fields, raw: fields });

let dir: Awaited<ReturnType<typeof scratchDir>>;
let db: TestDatabase;
beforeAll(async () => {
  dir = await scratchDir();
  db = await createTestDatabase();
  const customers = await importCustomersFile({ url: db.url, filePath: await dir.write("c.csv", telcoCsv([telcoRow("E-1"), telcoRow("E-2")])) });
  if (!customers.ok) throw new Error("customers not imported");
});
afterAll(async () => {
  await db.drop();
  await dir.cleanup();
});

async function run(kind: RecordKind, name: string, text: string, opts: { isSkipInvalid?: boolean; isDryRun?: boolean } = {}): Promise<RecordsOutcome> {
  const opened = await openImportFile({ filePath: await dir.write(name, text), limits: importLimitsFrom() });
  if (!opened.ok) throw new Error(opened.reason);
  return importRecords({ url: db.url, file: opened.file, kind, maxRows: 1000, ...opts });
}
const counts = async () => ({
  events: await db.prisma.journeyEvent.count(),
  permissions: await db.prisma.contactPermission.count(),
  batches: await db.prisma.importBatch.count(),
});

const EVENTS = csv([
  ["customerID", "type", "occurredAt", "summary", "dataGb", "total", "status", "daysLate", "category", "campaign", "response"],
  ["E-1", "usage", "2026-09-01", "", "12.5", "", "", "", "", "", ""],
  ["E-1", "bill", "2026-09-05T08:00:00Z", "September bill", "", "64.20", "", "", "", "", ""],
  ["E-1", "payment", "2026-09-20", "", "", "", "late", "6", "", "", ""],
  ["E-2", "ticket", "2026-10-02T09:30:00+01:00", "Slow broadband", "", "", "open", "", "network", "", ""],
  ["E-2", "campaign_contact", "2026-10-10", "", "", "", "", "", "", "autumn-sms", ""],
  ["E-2", "campaign_response", "2026-10-11", "", "", "", "", "", "", "autumn-sms", "clicked"],
]);

describe("journey events", () => {
  test("a dry run counts what would be added and changes nothing", async () => {
    const before = await counts();
    expect(await run("events", "events.csv", EVENTS, { isDryRun: true })).toMatchObject({ ok: true, summary: { rowsRead: 6, inserted: 6, unchanged: 0, batchId: null } });
    expect(await counts()).toEqual(before);
  });

  test("are stored under the journey's types, with their attributes, and recorded as a batch", async () => {
    const outcome = await run("events", "events.csv", EVENTS);
    expect(outcome).toMatchObject({ ok: true, summary: { kind: "events", rowsRead: 6, inserted: 6, unchanged: 0 } });
    const events = await db.prisma.journeyEvent.findMany({ orderBy: { occurredAt: "asc" }, select: { customerId: true, type: true, occurredAt: true, summary: true, attributes: true } });
    expect(events).toEqual([
      { customerId: "E-1", type: "usage", occurredAt: new Date("2026-09-01T00:00:00Z"), summary: "Usage", attributes: { dataGb: 12.5 } },
      { customerId: "E-1", type: "billing", occurredAt: new Date("2026-09-05T08:00:00Z"), summary: "September bill", attributes: { total: 64.2 } },
      { customerId: "E-1", type: "payment", occurredAt: new Date("2026-09-20T00:00:00Z"), summary: "Payment", attributes: { status: "late", daysLate: 6 } },
      { customerId: "E-2", type: "complaint", occurredAt: new Date("2026-10-02T08:30:00Z"), summary: "Slow broadband", attributes: { status: "open", category: "network" } },
      { customerId: "E-2", type: "campaign_contact", occurredAt: new Date("2026-10-10T00:00:00Z"), summary: "Campaign contact", attributes: { campaign: "autumn-sms" } },
      { customerId: "E-2", type: "campaign_contact", occurredAt: new Date("2026-10-11T00:00:00Z"), summary: "Campaign response", attributes: { campaign: "autumn-sms", response: "clicked" } },
    ]);
    const batch = await db.prisma.importBatch.findUniqueOrThrow({ where: { id: outcome.ok ? outcome.summary.batchId! : "" } });
    expect(batch).toMatchObject({ rowsRead: 6, rowsImported: 6, report: { kind: "events", inserted: 6 } });
  });

  test("imported again, add nothing twice", async () => {
    const before = await counts();
    expect(await run("events", "events.csv", EVENTS)).toMatchObject({ ok: true, summary: { inserted: 0, unchanged: 6 } });
    expect((await counts()).events).toBe(before.events);
  });

  test.each([
    { title: "a customer we do not have", rows: [["E-9", "usage", "2026-09-01", "", "3"]], reason: "customerID E-9 is not a customer here; import the customers first" },
    { title: "a type the journey does not know", rows: [["E-1", "tweet", "2026-09-01", "", ""]], reason: 'type "tweet" is not one of usage, bill' },
    { title: "a date in another format", rows: [["E-1", "usage", "01/09/2026", "", "3"]], reason: 'occurredAt "01/09/2026" is not an ISO date' },
    { title: "a date still to come", rows: [["E-1", "usage", "2999-01-01", "", "3"]], reason: "occurredAt 2999-01-01 is in the future" },
    { title: "usage without dataGb", rows: [["E-1", "usage", "2026-09-01", "", ""]], reason: "a usage event needs dataGb" },
  ])("refuses $title, naming the row, and changes nothing", async ({ rows, reason }) => {
    const before = await counts();
    const outcome = await run("events", "bad.csv", csv([["customerID", "type", "occurredAt", "summary", "dataGb"], ...rows]));
    expect(outcome).toMatchObject({ ok: false, kind: "invalid_rows", problems: [{ where: "line 2", reason: expect.stringContaining(reason) }] });
    expect(await counts()).toEqual(before);
  });

  test("a header with a column the events do not have is refused naming it", async () => {
    const outcome = await run("events", "odd.csv", csv([["customerID", "type", "occurredAt", "mood"], ["E-1", "usage", "2026-09-01", "happy"]]));
    expect(outcome).toMatchObject({ ok: false, kind: "invalid_file", reason: expect.stringContaining("column mood is not among the events columns") });
  });
});

describe("contact permissions", () => {
  const PERMISSIONS = csv([
    ["customerID", "channel", "marketing", "serviceUpdates", "billing"],
    ["E-1", "email", "yes", "yes", "yes"],
    ["E-1", "sms", "no", "yes", "true"],
    ["E-2", "CALL", "1", "0", "1"],
  ]);

  test("are added per channel, then changed in place and left alone when already as given", async () => {
    expect(await run("permissions", "consent.csv", PERMISSIONS)).toMatchObject({ ok: true, summary: { inserted: 3, updated: 0, unchanged: 0 } });
    const changed = PERMISSIONS.replace("E-1,sms,no", "E-1,sms,yes");
    expect(await run("permissions", "consent.csv", changed)).toMatchObject({ ok: true, summary: { inserted: 0, updated: 1, unchanged: 2 } });
    const rows = await db.prisma.contactPermission.findMany({ orderBy: [{ customerId: "asc" }, { channel: "asc" }], select: { customerId: true, channel: true, marketing: true, serviceUpdates: true, billing: true } });
    expect(rows).toEqual([
      { customerId: "E-1", channel: "email", marketing: true, serviceUpdates: true, billing: true },
      { customerId: "E-1", channel: "sms", marketing: true, serviceUpdates: true, billing: true },
      { customerId: "E-2", channel: "call", marketing: true, serviceUpdates: false, billing: true },
    ]);
  });

  test.each([
    { title: "the same customer and channel twice", rows: [["E-1", "push", "yes", "yes", "yes"], ["E-1", "push", "no", "no", "no"]], where: "line 3", reason: "E-1 on push repeats line 2" },
    { title: "a channel we do not use", rows: [["E-1", "fax", "yes", "yes", "yes"]], where: "line 2", reason: 'channel "fax" is not one of email, sms, call, push, mail' },
    { title: "consent that is neither yes nor no", rows: [["E-1", "mail", "maybe", "yes", "yes"]], where: "line 2", reason: 'marketing "maybe" is not yes or no' },
  ])("refuses $title and changes nothing", async ({ rows, where, reason }) => {
    const before = await counts();
    const outcome = await run("permissions", "bad.csv", csv([["customerID", "channel", "marketing", "serviceUpdates", "billing"], ...rows]));
    expect(outcome).toMatchObject({ ok: false, kind: "invalid_rows", problems: [{ where, reason: expect.stringContaining(reason) }] });
    expect(await counts()).toEqual(before);
  });
});

describe("row checks", () => {
  test.each([
    ["2026-03-01", "2026-03-01T00:00:00.000Z"],
    ["2026-03-01T10:00:00Z", "2026-03-01T10:00:00.000Z"],
    ["2026-03-01T10:00+02:00", "2026-03-01T08:00:00.000Z"],
    ["2026-02-30", null],
    ["2026-03-01 10:00", null],
    ["1 March 2026", null],
  ])("reads occurredAt %s as %s", (text, iso) => {
    expect(isoTime(text)).toBe(iso);
  });

  test("keeps the text of a number-free attribute and reads numbers as numbers", () => {
    const checked = mapEventRow(row({ customerID: "A", type: "Payment", occurredAt: "2026-01-01", status: "Missed", amount: "30.5" }), new Date("2026-06-01"));
    expect(checked).toEqual({ ok: true, record: { customerId: "A", type: "payment", occurredAt: "2026-01-01T00:00:00.000Z", summary: "Payment", attributes: { status: "Missed", amount: 30.5 } } });
  });

  test("lists every problem of a permissions row", () => {
    expect(mapPermissionRow(row({ customerID: "", channel: "", marketing: "", serviceUpdates: "x", billing: "yes" }))).toEqual({
      ok: false,
      reasons: ["customerID is blank", "channel is blank", "marketing is blank", 'serviceUpdates "x" is not yes or no (also true/false, 1/0)'],
    });
  });
});
