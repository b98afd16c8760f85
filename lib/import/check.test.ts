import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ProblemList, checkRows } from "./check";
import { formatProblems } from "./report";
import { csvItems, jsonItems, openImportFile } from "./source";
import type { ImportLimits, SourceItem } from "./source";
import { TELCO_COLUMNS } from "./telco";
import type { CustomerRecord } from "./telco";
import { scratchDir, telcoCsv, telcoRow } from "./testing/telco-rows";

const LIMITS: ImportLimits = { maxBytes: 1_000_000, maxJsonBytes: 1_000_000, maxRows: 1_000 };

/** Checks `items` as an import does, keeping what it would stage. */
async function checkItems(items: AsyncIterable<Iterable<SourceItem>> | Iterable<Iterable<SourceItem>>, maxRows = LIMITS.maxRows) {
  const staged: { customer: CustomerRecord; place: number }[] = [];
  const asyncItems = (async function* () {
    yield* items;
  })();
  const result = await checkRows(asyncItems, { maxRows, stage: (customer, place) => void staged.push({ customer, place }) });
  return {
    result: result.ok ? { ok: true as const, rowsRead: result.rowsRead, staged: result.staged, problems: result.problems.list(), problemsTotal: result.problems.count } : result,
    ids: staged.map((s) => s.customer.id),
    customers: staged.map((s) => s.customer),
  };
}

const check = (text: string, format: "csv" | "json" = "csv", maxRows?: number) => checkItems(format === "csv" ? csvItems([text]) : jsonItems(text), maxRows);

describe("checkRows (CSV)", () => {
  test("stages each customer of a well-formed file with its line", async () => {
    const { result, ids } = await check(telcoCsv([telcoRow("A-1"), telcoRow("A-2")]));
    expect(result).toEqual({ ok: true, rowsRead: 2, staged: 2, problems: [], problemsTotal: 0 });
    expect(ids).toEqual(["A-1", "A-2"]);
  });

  test("names every bad line, header being line 1, and stages only the good rows", async () => {
    const csv = telcoCsv([telcoRow("A-1"), telcoRow("A-2", { tenure: "abc" }), telcoRow("A-3"), telcoRow("A-4", { Contract: "Weekly" })]);
    const { result, ids } = await check(csv);
    expect(result).toMatchObject({
      ok: true,
      rowsRead: 4,
      problems: [
        { where: "line 3", reason: expect.stringContaining('tenure "abc"') },
        { where: "line 5", reason: expect.stringContaining('Contract "Weekly"') },
      ],
    });
    expect(ids).toEqual(["A-1", "A-3"]);
  });

  test("a row with the wrong number of fields is named by its line", async () => {
    const csv = `${telcoCsv([telcoRow("A-1")])}A-2,Female,0\r\n`;
    expect((await check(csv)).result).toMatchObject({ problems: [{ where: "line 3", reason: "expected 21 fields, found 3" }] });
  });

  test("quoting problems and field problems are listed together in file order", async () => {
    const csv = telcoCsv([telcoRow("A-1", { tenure: "x" })]) + `A-2,Fem"ale${",x".repeat(20)}\r\n` + telcoCsv([telcoRow("A-3", { Churn: "?" })]).split("\r\n")[1] + "\r\n";
    const { result } = await check(csv);
    expect(result.ok && result.problems.map((p) => p.where)).toEqual(["line 2", "line 3", "line 4"]);
  });

  test.each([
    ["an empty file", "", "the file is empty"],
    ["a header alone", telcoCsv([]), "no customer rows found"],
    ["a header without Churn", telcoCsv([telcoRow("A-1")], TELCO_COLUMNS.filter((c) => c !== "Churn")), "the header lacks column Churn"],
    ["a repeated column", telcoCsv([], [...TELCO_COLUMNS, "tenure"]), 'column "tenure" appears twice'],
    ["a quote never closed", `${telcoCsv([telcoRow("A-1")])}"A-2,x\r\n`, "line 3: a quoted field is never closed"],
    ["text after a closing quote", `${telcoCsv([telcoRow("A-1")])}"A-2"x,y\r\n`, "line 3: text after the closing quote of field 1"],
    ["a quote problem in the header", `customerID,gen"der\r\n`, "line 1: header row: a quote inside unquoted field 2"],
    ["a quote never closed in the header", `customerID,"gender\r\nA-1,x\r\n`, "line 1: header row: a quoted field is never closed"],
  ])("refuses %s as a whole", async (_name, text, reason) => {
    expect((await check(text)).result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  test.each([
    [3, 3, true],
    [4, 3, false],
  ])("%i rows under a limit of %i rows: accepted %s", async (rows, maxRows, isAccepted) => {
    const csv = telcoCsv(Array.from({ length: rows }, (_, i) => telcoRow(`R-${i}`)));
    const { result } = await check(csv, "csv", maxRows);
    expect(result.ok).toBe(isAccepted);
    if (!result.ok) expect(result.reason).toBe("more than 3 rows (IMPORT_MAX_ROWS); split the file");
  });

  test("a NUL character, which the database cannot store, is refused on its line", async () => {
    expect((await check(telcoCsv([telcoRow("A-1"), telcoRow("A-2", { gender: "Fe\u0000male" })]))).result).toMatchObject({
      problems: [{ where: "line 3", reason: '"gender" contains a NUL character, which cannot be stored' }],
    });
  });

  test("extra columns are kept in attributes", async () => {
    const { customers } = await check(telcoCsv([{ ...telcoRow("A-1"), Region: "Wales" }], [...TELCO_COLUMNS, "Region"]));
    expect(customers[0]?.attributes.Region).toBe("Wales");
  });
});

describe("checkRows (JSON)", () => {
  const records = [
    { ...telcoRow("J-1"), SeniorCitizen: 1, tenure: 3, MonthlyCharges: 20.5, TotalCharges: 61.5 },
    { ...telcoRow("J-2"), TotalCharges: null, tenure: 0 },
  ];

  test.each([
    ["an array", JSON.stringify(records)],
    ["an object with customers", JSON.stringify({ customers: records })],
  ])("reads %s of objects with the Telco fields", async (_name, text) => {
    expect((await check(text, "json")).customers).toMatchObject([
      { id: "J-1", segment: "senior", tenureMonths: 3, monthlyRevenue: "20.5", totalRevenue: "61.5" },
      { id: "J-2", tenureMonths: 0, totalRevenue: null },
    ]);
  });

  test("names bad records by their position", async () => {
    const text = JSON.stringify([telcoRow("J-1"), "nonsense", { ...telcoRow("J-3"), tenure: { months: 3 } }]);
    expect((await check(text, "json")).result).toMatchObject({
      problems: [
        { where: "record 2", reason: "not an object" },
        { where: "record 3", reason: "tenure must be text, a number, true/false or null" },
      ],
    });
  });

  test("a NUL character in a JSON value is refused by record", async () => {
    expect((await check(JSON.stringify([{ ...telcoRow("J-1"), Note: "a\u0000b" }]), "json")).result).toMatchObject({ problems: [{ where: "record 1", reason: expect.stringContaining('"Note" contains a NUL') }] });
  });

  test.each([
    ["broken JSON", "[{", "not valid JSON"],
    ["an object without customers", '{"rows": []}', "expected a JSON array"],
    ["an empty array", "[]", "no customer rows found"],
  ])("refuses %s", async (_name, text, reason) => {
    expect((await check(text, "json")).result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe("ProblemList", () => {
  test("keeps the first problems in file order however they arrive, and counts them all", () => {
    const list = new ProblemList(3);
    for (const place of [9, 2, 7, 5, 1, 8, 3]) list.add(place, { where: `line ${place}`, reason: "bad" });
    list.addUnlisted(4);
    expect(list.list().map((p) => p.where)).toEqual(["line 1", "line 2", "line 3"]);
    expect(list.count).toBe(11);
  });
});

describe("openImportFile", () => {
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    dir = await scratchDir();
  });
  afterAll(() => dir.cleanup());

  const open = (filePath: string, limits: Partial<ImportLimits> = {}) => openImportFile({ filePath, limits: { ...LIMITS, ...limits } });
  const checkFile = async (filePath: string) => {
    const opened = await open(filePath);
    if (!opened.ok) throw new Error(opened.reason);
    return { opened: opened.file, ...(await checkItems(opened.file.items)) };
  };

  test("an unknown extension is a usage error", async () => {
    const file = await dir.write("customers.txt", "x");
    expect(await open(file)).toEqual({ ok: false, kind: "usage", reason: expect.stringContaining('unsupported file type ".txt"') });
  });

  test("a missing file is a usage error", async () => {
    expect(await open("/no/such/customers.csv")).toMatchObject({ ok: false, kind: "usage", reason: expect.stringContaining("no such file") });
  });

  test.each([
    ["customers.csv", { maxBytes: 99 }, "100 bytes is more than the 99 a CSV file may have (IMPORT_MAX_BYTES)"],
    ["customers.json", { maxJsonBytes: 99 }, "100 bytes is more than the 99 a JSON file may have (IMPORT_MAX_JSON_BYTES)"],
  ])("%s larger than its limit is refused before it is read", async (name, limits, reason) => {
    const file = await dir.write(name, "x".repeat(100));
    expect(await open(file, limits)).toEqual({ ok: false, kind: "invalid_file", reason: `${name}: ${reason}` });
  });

  test.each([
    ["latin1.csv", Buffer.concat([Buffer.from(telcoCsv([telcoRow("A-1")])), Buffer.from([0x63, 0xe9, 0x0a])]), "line 3: not UTF-8 text at byte offset"],
    ["latin1.json", Buffer.from([0x5b, 0x22, 0xe9, 0x22, 0x5d]), "line 1: not UTF-8 text at byte offset 2"],
  ])("bytes that are not UTF-8 in %s are refused by line and offset", async (name, bytes, reason) => {
    const file = await dir.write(name, "");
    await writeFile(file, bytes);
    expect((await checkFile(file)).result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  test("the extension is read regardless of case, and the file is fingerprinted once read", async () => {
    const file = await dir.write("CUSTOMERS.CSV", telcoCsv([telcoRow("A-1")]));
    const { opened, ids } = await checkFile(file);
    expect({ format: opened.format, ids, sha: opened.fileSha256().length }).toEqual({ format: "csv", ids: ["A-1"], sha: 64 });
  });
});

describe("formatProblems", () => {
  test.each([
    [25, undefined, 21, "  ... and 5 more (25 in total)"],
    [20, 1_200, 21, "  ... and 1,180 more (1,200 in total)"],
    [3, undefined, 3, "  line 4: bad"],
  ])("%i problems listed of %s in all: %i lines, the last %j", (given, total, lineCount, last) => {
    const problems = Array.from({ length: given }, (_, i) => ({ where: `line ${i + 2}`, reason: "bad" }));
    const lines = formatProblems(problems, { total, cap: 20 });
    expect(lines).toHaveLength(lineCount);
    expect(lines[0]).toBe("  line 2: bad");
    expect(lines.at(-1)).toBe(last);
  });
});
