import { describe, expect, test } from "vitest";
import { parseImportArgs } from "./args";

describe("parseImportArgs", () => {
  test.each([
    [["customers.csv"], { filePath: "customers.csv", isSkipInvalid: false, mappingPath: null }],
    [["customers.csv", "--skip-invalid"], { filePath: "customers.csv", isSkipInvalid: true, mappingPath: null }],
    [["--skip-invalid", "customers.json"], { filePath: "customers.json", isSkipInvalid: true, mappingPath: null }],
    [["--", "-odd-name.csv"], { filePath: "-odd-name.csv", isSkipInvalid: false, mappingPath: null }],
    [["churn.csv", "--mapping", "churn.json"], { filePath: "churn.csv", isSkipInvalid: false, mappingPath: "churn.json" }],
    [["--mapping=churn.json", "churn.csv"], { filePath: "churn.csv", isSkipInvalid: false, mappingPath: "churn.json" }],
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
