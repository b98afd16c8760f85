import { describe, expect, test } from "vitest";
import { parseImportArgs } from "./args";

describe("parseImportArgs", () => {
  test.each([
    [["customers.csv"], { filePath: "customers.csv", isSkipInvalid: false, mappingPath: null, kind: "customers" }],
    [["customers.csv", "--skip-invalid"], { filePath: "customers.csv", isSkipInvalid: true, mappingPath: null, kind: "customers" }],
    [["--skip-invalid", "customers.json"], { filePath: "customers.json", isSkipInvalid: true, mappingPath: null, kind: "customers" }],
    [["--", "-odd-name.csv"], { filePath: "-odd-name.csv", isSkipInvalid: false, mappingPath: null, kind: "customers" }],
    [["churn.csv", "--mapping", "churn.json"], { filePath: "churn.csv", isSkipInvalid: false, mappingPath: "churn.json", kind: "customers" }],
    [["--mapping=churn.json", "churn.csv"], { filePath: "churn.csv", isSkipInvalid: false, mappingPath: "churn.json", kind: "customers" }],
    [["events.csv", "--kind", "events"], { filePath: "events.csv", isSkipInvalid: false, mappingPath: null, kind: "events" }],
    [["--kind=permissions", "consent.csv", "--skip-invalid"], { filePath: "consent.csv", isSkipInvalid: true, mappingPath: null, kind: "permissions" }],
  ])("reads %j", (argv, args) => {
    expect(parseImportArgs(argv)).toEqual({ ok: true, args });
  });

  test.each([
    [[], "Name the file to import."],
    [["a.csv", "b.csv"], 'One file at a time: got "a.csv" and "b.csv".'],
    [["a.csv", "--force"], 'Unknown option "--force".'],
    [["a.csv", "--kind", "bills"], '--kind is one of customers, events, permissions; got "bills".'],
    [["a.csv", "--kind", "events", "--mapping", "m.json"], "--mapping reads customers files; events and permissions have their own columns."],
  ])("refuses %j", (argv, error) => {
    expect(parseImportArgs(argv)).toEqual({ ok: false, error });
  });

  test("asks for help", () => {
    expect(parseImportArgs(["a.csv", "--help"])).toEqual({ ok: false, isHelp: true });
  });
});
