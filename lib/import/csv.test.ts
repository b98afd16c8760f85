import { describe, expect, test } from "vitest";
import { readCsv } from "./csv";
import type { CsvItem } from "./csv";

async function itemsOf(input: string | Buffer[]): Promise<CsvItem[]> {
  const items: CsvItem[] = [];
  for await (const batch of readCsv(typeof input === "string" ? [input] : input)) items.push(...batch);
  return items;
}

const recordsOf = (items: CsvItem[]) => items.filter((i) => i.type === "record");
const fieldsOf = async (text: string) => recordsOf(await itemsOf(text)).map((r) => r.fields);

/** `text` as UTF-8 bytes cut into chunks of `size`, to cross every boundary a file stream may have. */
const chunked = (text: string, size: number) => {
  const bytes = Buffer.from(text, "utf8");
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
};

describe("readCsv", () => {
  test.each([
    ["plain fields", "a,b,c\n1,2,3\n", [["a", "b", "c"], ["1", "2", "3"]]],
    ["CRLF line ends", "a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]]],
    ["a lone CR as a line end", "a,b\r1,2", [["a", "b"], ["1", "2"]]],
    ["no newline at the end", "a,b\n1,2", [["a", "b"], ["1", "2"]]],
    ["a byte-order mark before the header", "\uFEFFcustomerID,tenure\nX,1\n", [["customerID", "tenure"], ["X", "1"]]],
    ["blank fields, including a trailing one", "a,,c,\n,,,\n", [["a", "", "c", ""], ["", "", "", ""]]],
    ["a TotalCharges left as one space", "id,total\nX, \n", [["id", "total"], ["X", " "]]],
    ["commas inside quotes", '"Smith, Jo",2\n', [["Smith, Jo", "2"]]],
    ["doubled quotes inside quotes", '"say ""hi""",x\n', [['say "hi"', "x"]]],
    ["an empty quoted field", '"",x\n', [["", "x"]]],
    ["a line break inside quotes (CRLF kept)", '"two\r\nlines",x\r\ny,z\r\n', [["two\r\nlines", "x"], ["y", "z"]]],
    ["blank lines between records are skipped", "a\n\n\nb\r\n\r\n", [["a"], ["b"]]],
    ["characters of several bytes", "Zoë,😀\n", [["Zoë", "😀"]]],
  ])("reads %s", async (_name, text, expected) => {
    const items = await itemsOf(text);
    expect(items.filter((i) => i.type !== "record")).toEqual([]);
    expect(recordsOf(items).map((r) => r.fields)).toEqual(expected);
  });

  test.each([1, 2, 3, 7])("reads the same records from chunks of %i bytes", async (size) => {
    const text = '\uFEFFh1,h2\r\n"Zoë, ""the""\r\nfirst",😀\r\n\r\nlast,2\r\n';
    expect(await itemsOf(chunked(text, size))).toEqual(await itemsOf(text));
  });

  test.each([
    ["CRLF", '\uFEFFh1,h2\r\n"multi\r\nline",1\r\n\r\nlast,2\r\n"a\r\nb\r\nc",3\r\nend,4\r\n', [1, 2, 5, 6, 9]],
    ["LF", 'h1,h2\n"multi\nline",1\n\nlast,2\n"a\nb\nc",3\nend,4\n', [1, 2, 5, 6, 9]],
    ["a lone CR", 'h1,h2\r"multi\rline",1\r\rlast,2\r', [1, 2, 5]],
  ])("numbers records by the line they start on, counting %s line breaks inside quoted fields", async (_name, text, lines) => {
    expect(recordsOf(await itemsOf(text)).map((r) => r.line)).toEqual(lines);
  });

  test("the BOM does not stay on the first column name", async () => {
    expect((await fieldsOf("\uFEFFcustomerID\n"))[0]?.[0]).toBe("customerID");
  });

  test.each([
    ["in the first field", 'h\nab"c,d\nok\n', 2, "a quote inside unquoted field 1", [["h"], ["ok"]]],
    ["in a later field, after a multi-line record", 'h,i\r\n"x\r\ny",1\r\nd,e"f\r\nok,2\r\n', 4, "a quote inside unquoted field 2", [["h", "i"], ["x\r\ny", "1"], ["ok", "2"]]],
  ])("reports a quote inside an unquoted field %s on its line and reads on", async (_name, text, line, reason, fields) => {
    const items = await itemsOf(text);
    expect(items.filter((i) => i.type === "problem")).toEqual([{ type: "problem", line, reason: expect.stringContaining(reason) }]);
    expect(recordsOf(items).map((r) => r.fields)).toEqual(fields);
    expect(items.map((i) => i.line)).toEqual([...items.map((i) => i.line)].sort((a, b) => a - b));
  });

  test.each([
    ["text after a closing quote", 'h\n"ab"c,d\nok\n', { line: 2, reason: "text after the closing quote of field 1" }],
    ["a quote never closed, on the line it opened", 'h\nok\n"never closed,1\n2\n', { line: 3, reason: "a quoted field is never closed (missing closing quote)" }],
    ["a quote never closed after blank lines and a multi-line record", 'h\r\n"a\r\nb",1\r\n\r\n\r\nx,"open\r\n', { line: 6, reason: "a quoted field is never closed" }],
  ])("stops at %s", async (_name, text, fatal) => {
    const items = await itemsOf(text);
    expect(items.at(-1)).toEqual({ type: "fatal", line: fatal.line, reason: expect.stringContaining(fatal.reason) });
  });

  test("stops at a record longer than the limit (a quote left open)", async () => {
    const items = await itemsOf(`h\nok\n"${"x".repeat(1_100_000)}\n`);
    expect(items.at(-1)).toEqual({ type: "fatal", line: 3, reason: expect.stringContaining("a record longer than") });
  });

  test("an empty text has no records", async () => {
    expect(await itemsOf("")).toEqual([]);
  });
});
