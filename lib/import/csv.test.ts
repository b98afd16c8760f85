import { describe, expect, test } from "vitest";
import { parseCsv } from "./csv";

const fieldsOf = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe("parseCsv", () => {
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
  ])("reads %s", (_name, text, expected) => {
    const result = parseCsv(text);
    expect(result.problems).toEqual([]);
    expect(result.fatal).toBeNull();
    expect(fieldsOf(text)).toEqual(expected);
  });

  test("numbers records by the line they start on, counting lines inside quoted fields", () => {
    const result = parseCsv('h1,h2\r\n"multi\r\nline",1\r\n\r\nlast,2\r\n');
    expect(result.records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  test("the BOM does not stay on the first column name", () => {
    expect(parseCsv("\uFEFFcustomerID\n").records[0]?.fields[0]).toBe("customerID");
  });

  test.each([
    ["a quote inside an unquoted field", 'h\nab"c,d\nok\n', 2, "a quote inside unquoted field 1"],
    ["text after a closing quote", 'h\n"ab"c,d\nok\n', 2, "text after the closing quote of field 1"],
  ])("reports %s on its line and reads on", (_name, text, line, reason) => {
    const result = parseCsv(text);
    expect(result.problems).toEqual([{ line, reason: expect.stringContaining(reason) }]);
    expect(result.records.map((r) => r.fields)).toEqual([["h"], ["ok"]]);
  });

  test("a quote never closed is fatal and names the line it opened on", () => {
    const result = parseCsv('h\nok\n"never closed,1\n2\n');
    expect(result.fatal).toEqual({ line: 3, reason: expect.stringContaining("never closed") });
  });

  test("an empty text has no records", () => {
    expect(parseCsv("")).toEqual({ records: [], problems: [], fatal: null });
  });
});
