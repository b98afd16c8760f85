import { describe, expect, test } from "vitest";
import { parseImportArgs } from "./args";

describe("parseImportArgs", () => {
  test.each([
    [["customers.csv"], { filePath: "customers.csv", isSkipInvalid: false }],
    [["customers.csv", "--skip-invalid"], { filePath: "customers.csv", isSkipInvalid: true }],
    [["--skip-invalid", "customers.json"], { filePath: "customers.json", isSkipInvalid: true }],
    [["--", "-odd-name.csv"], { filePath: "-odd-name.csv", isSkipInvalid: false }],
  ])("reads %j", (argv, args) => {
    expect(parseImportArgs(argv)).toEqual({ ok: true, args });
  });

  test.each([
    [[], "Name the file to import."],
    [["a.csv", "b.csv"], 'One file at a time: got "a.csv" and "b.csv".'],
    [["a.csv", "--force"], 'Unknown option "--force".'],
  ])("refuses %j", (argv, error) => {
    expect(parseImportArgs(argv)).toEqual({ ok: false, error });
  });

  test("asks for help", () => {
    expect(parseImportArgs(["a.csv", "--help"])).toEqual({ ok: false, isHelp: true });
  });
});
