import { describe, expect, test } from "vitest";
import { parseCommandArgs, wholeNumberArg } from "./args";

const OPTIONS = {
  limit: { type: "string" },
  customer: { type: "string", multiple: true },
  json: { type: "boolean", default: false },
  policy: { type: "string", default: "auto" },
} as const;

describe("parseCommandArgs", () => {
  test.each([
    [[], { json: false, policy: "auto" }, []],
    [["--limit", "5", "--json"], { limit: "5", json: true, policy: "auto" }, []],
    [["--limit=5", "--policy=rules"], { limit: "5", json: false, policy: "rules" }, []],
    [["--customer", "A", "--customer=B"], { customer: ["A", "B"], json: false, policy: "auto" }, []],
    [["--limit=-5"], { limit: "-5", json: false, policy: "auto" }, []],
    [["file.csv", "--json"], { json: true, policy: "auto" }, ["file.csv"]],
    [["--", "--json"], { json: false, policy: "auto" }, ["--json"]],
  ])("reads %j", (argv, values, positionals) => {
    expect(parseCommandArgs(argv, OPTIONS, { maxPositionals: 1 })).toEqual({ ok: true, values, positionals });
  });

  test.each([
    [["--force"], 'Unknown option "--force".'],
    [["-x"], 'Unknown option "-x".'],
    [["--limit"], "--limit needs a value."],
    [["--limit", "--json"], '--limit needs a value; got the option "--json" (write --limit=--json if that is the value).'],
    [["--json=yes"], '--json takes no value; got "yes".'],
    [["a.csv", "b.csv"], 'Unexpected argument "b.csv".'],
  ])("refuses %j, naming the flag", (argv, error) => {
    expect(parseCommandArgs(argv, OPTIONS, { maxPositionals: 1 })).toEqual({ ok: false, error });
  });

  test("a command with no arguments refuses any", () => {
    expect(parseCommandArgs(["now"], {})).toEqual({ ok: false, error: 'Unexpected argument "now": this command takes only options.' });
  });

  test.each([[["--help"]], [["-h"]], [["--limit", "5", "--force", "--help"]]])("asks for help with %j, whatever else is there", (argv) => {
    expect(parseCommandArgs(argv, OPTIONS)).toEqual({ ok: false, isHelp: true });
  });

  test("--help after -- is an argument, not a request for help", () => {
    expect(parseCommandArgs(["--", "--help"], OPTIONS, { maxPositionals: 1 })).toMatchObject({ ok: true, positionals: ["--help"] });
  });
});

describe("wholeNumberArg", () => {
  test.each([
    ["1", { ok: true, value: 1 }],
    ["16", { ok: true, value: 16 }],
    ["1_000", { ok: false, error: "--workers must be from 1 to 16; got 1_000." }],
    ["0", { ok: false, error: "--workers must be from 1 to 16; got 0." }],
    ["17", { ok: false, error: "--workers must be from 1 to 16; got 17." }],
    ["2.5", { ok: false, error: '--workers must be a whole number from 1 to 16; got "2.5".' }],
    ["-1", { ok: false, error: '--workers must be a whole number from 1 to 16; got "-1".' }],
    ["", { ok: false, error: '--workers must be a whole number from 1 to 16; got "".' }],
  ])("--workers %j within 1 to 16: %j", (raw, expected) => {
    expect(wholeNumberArg("--workers", raw, { min: 1, max: 16 })).toEqual(expected);
  });
});
