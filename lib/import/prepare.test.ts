import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkText, prepareImport } from "./prepare";
import { formatProblems } from "./report";
import { TELCO_COLUMNS } from "./telco";
import { scratchDir, telcoCsv, telcoRow } from "./testing/telco-rows";

const strict = (text: string, format: "csv" | "json" = "csv") => checkText({ text, format, isSkipInvalid: false });
const lenient = (text: string, format: "csv" | "json" = "csv") => checkText({ text, format, isSkipInvalid: true });

describe("checkText (CSV)", () => {
  test("reads a well-formed file", () => {
    const result = strict(telcoCsv([telcoRow("A-1"), telcoRow("A-2")]));
    expect(result.ok && result.result.customers.map((c) => c.id)).toEqual(["A-1", "A-2"]);
  });

  test("refuses the file and names every bad line, header being line 1", () => {
    const csv = telcoCsv([telcoRow("A-1"), telcoRow("A-2", { tenure: "abc" }), telcoRow("A-3"), telcoRow("A-4", { Contract: "Weekly" })]);
    expect(strict(csv)).toEqual({
      ok: false,
      kind: "invalid_rows",
      rowsRead: 4,
      problems: [
        { where: "line 3", reason: expect.stringContaining('tenure "abc"') },
        { where: "line 5", reason: expect.stringContaining('Contract "Weekly"') },
      ],
    });
  });

  test("a row with the wrong number of fields is named by its line", () => {
    const csv = `${telcoCsv([telcoRow("A-1")])}A-2,Female,0\r\n`;
    expect(strict(csv)).toMatchObject({ ok: false, problems: [{ where: "line 3", reason: "expected 21 fields, found 3" }] });
  });

  test("a customerID repeated in the file is refused on its second line", () => {
    const csv = telcoCsv([telcoRow("A-1"), telcoRow("A-2"), telcoRow("A-1")]);
    expect(strict(csv)).toMatchObject({ ok: false, problems: [{ where: "line 4", reason: "customerID A-1 repeats line 2" }] });
  });

  test("quoting problems and field problems are listed together in file order", () => {
    const csv = telcoCsv([telcoRow("A-1", { tenure: "x" })]) + `A-2,Fem"ale${",x".repeat(20)}\r\n` + telcoCsv([telcoRow("A-3", { Churn: "?" })]).split("\r\n")[1] + "\r\n";
    const result = strict(csv);
    expect(!result.ok && result.kind === "invalid_rows" && result.problems.map((p) => p.where)).toEqual(["line 2", "line 3", "line 4"]);
  });

  test("with isSkipInvalid keeps the good rows and reports the skipped ones", () => {
    const csv = telcoCsv([telcoRow("A-1"), telcoRow("A-2", { tenure: "abc" }), telcoRow("A-3")]);
    const result = lenient(csv);
    expect(result.ok && result.result.customers.map((c) => c.id)).toEqual(["A-1", "A-3"]);
    expect(result.ok && result.result.skipped).toEqual([{ where: "line 3", reason: expect.stringContaining("tenure") }]);
    expect(result.ok && result.result.rowsRead).toBe(3);
  });

  test("with isSkipInvalid still refuses a file in which no row is readable", () => {
    expect(lenient(telcoCsv([telcoRow("A-1", { tenure: "?" })]))).toMatchObject({ ok: false, kind: "invalid_rows" });
  });

  test.each([
    ["an empty file", "", "the file is empty"],
    ["a header alone", telcoCsv([]), "no customer rows found"],
    ["a header without Churn", telcoCsv([telcoRow("A-1")], TELCO_COLUMNS.filter((c) => c !== "Churn")), "the header lacks column Churn"],
    ["a repeated column", telcoCsv([], [...TELCO_COLUMNS, "tenure"]), 'column "tenure" appears twice'],
    ["a quote never closed", `${telcoCsv([telcoRow("A-1")])}"A-2,x\r\n`, "line 3: a quoted field is never closed"],
  ])("refuses %s as a whole, even with isSkipInvalid", (_name, text, reason) => {
    expect(lenient(text)).toEqual({ ok: false, kind: "invalid_file", reason: expect.stringContaining(reason) });
  });

  test("a NUL character, which the database cannot store, is refused on its line", () => {
    expect(strict(telcoCsv([telcoRow("A-1"), telcoRow("A-2", { gender: "Fe\u0000male" })]))).toMatchObject({
      ok: false,
      problems: [{ where: "line 3", reason: '"gender" contains a NUL character, which cannot be stored' }],
    });
  });

  test("extra columns are kept in attributes", () => {
    const result = strict(telcoCsv([{ ...telcoRow("A-1"), Region: "Wales" }], [...TELCO_COLUMNS, "Region"]));
    expect(result.ok && result.result.customers[0]?.attributes.Region).toBe("Wales");
  });
});

describe("checkText (JSON)", () => {
  const records = [
    { ...telcoRow("J-1"), SeniorCitizen: 1, tenure: 3, MonthlyCharges: 20.5, TotalCharges: 61.5 },
    { ...telcoRow("J-2"), TotalCharges: null, tenure: 0 },
  ];

  test.each([
    ["an array", JSON.stringify(records)],
    ["an object with customers", JSON.stringify({ customers: records })],
  ])("reads %s of objects with the Telco fields", (_name, text) => {
    const result = strict(text, "json");
    expect(result.ok && result.result.customers).toMatchObject([
      { id: "J-1", segment: "senior", tenureMonths: 3, monthlyRevenue: "20.5", totalRevenue: "61.5" },
      { id: "J-2", tenureMonths: 0, totalRevenue: null },
    ]);
  });

  test("names bad records by their position", () => {
    const text = JSON.stringify([telcoRow("J-1"), "nonsense", { ...telcoRow("J-3"), tenure: { months: 3 } }]);
    expect(strict(text, "json")).toMatchObject({
      ok: false,
      problems: [
        { where: "record 2", reason: "not an object" },
        { where: "record 3", reason: "tenure must be text, a number, true/false or null" },
      ],
    });
  });

  test("a NUL character in a JSON value is refused by record", () => {
    expect(strict(JSON.stringify([{ ...telcoRow("J-1"), Note: "a\u0000b" }]), "json")).toMatchObject({ ok: false, problems: [{ where: "record 1", reason: expect.stringContaining('"Note" contains a NUL') }] });
  });

  test.each([
    ["broken JSON", "[{", "not valid JSON"],
    ["an object without customers", '{"rows": []}', "expected a JSON array"],
  ])("refuses %s", (_name, text, reason) => {
    expect(strict(text, "json")).toEqual({ ok: false, kind: "invalid_file", reason: expect.stringContaining(reason) });
  });
});

describe("prepareImport", () => {
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    dir = await scratchDir();
  });
  afterAll(() => dir.cleanup());

  test("an unknown extension is a usage error", async () => {
    const file = await dir.write("customers.txt", "x");
    expect(await prepareImport({ filePath: file, isSkipInvalid: false })).toEqual({ ok: false, kind: "usage", reason: expect.stringContaining('unsupported file type ".txt"') });
  });

  test("a missing file is a usage error", async () => {
    expect(await prepareImport({ filePath: "/no/such/customers.csv", isSkipInvalid: false })).toMatchObject({ ok: false, kind: "usage", reason: expect.stringContaining("no such file") });
  });

  test("bytes that are not UTF-8 are refused", async () => {
    const file = await dir.write("latin1.csv", "");
    await import("node:fs/promises").then((fs) => fs.writeFile(file, Buffer.from([0x63, 0xe9, 0x0a])));
    expect(await prepareImport({ filePath: file, isSkipInvalid: false })).toMatchObject({ ok: false, kind: "invalid_file", reason: expect.stringContaining("not UTF-8") });
  });

  test("the extension is read regardless of case, and the file is fingerprinted", async () => {
    const file = await dir.write("CUSTOMERS.CSV", telcoCsv([telcoRow("A-1")]));
    const result = await prepareImport({ filePath: file, isSkipInvalid: false });
    expect(result.ok && { format: result.prepared.format, sha: result.prepared.fileSha256.length }).toEqual({ format: "csv", sha: 64 });
  });
});

describe("formatProblems", () => {
  test("lists up to the cap, then how many more", () => {
    const problems = Array.from({ length: 25 }, (_, i) => ({ where: `line ${i + 2}`, reason: "bad" }));
    const lines = formatProblems(problems, 20);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("  line 2: bad");
    expect(lines[20]).toBe("  ... and 5 more (25 in total)");
  });
});
