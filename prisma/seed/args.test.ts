import { describe, expect, test } from "vitest";
import { DEFAULT_CUSTOMERS, parseSeedArgs } from "./args";
import { DEFAULT_SEED, MAX_CUSTOMERS } from "./index";

describe("parseSeedArgs", () => {
  test.each([
    [[], { customers: DEFAULT_CUSTOMERS, seed: DEFAULT_SEED }],
    [["--customers", "10"], { customers: 10, seed: DEFAULT_SEED }],
    [["--customers=1_000_000", "--seed=0"], { customers: 1_000_000, seed: 0 }],
    [["--seed", "4294967295", "--customers", "1"], { customers: 1, seed: 4294967295 }],
    [["--customers", String(MAX_CUSTOMERS)], { customers: MAX_CUSTOMERS, seed: DEFAULT_SEED }],
    [["--anchor", "2026-01-31"], { customers: DEFAULT_CUSTOMERS, seed: DEFAULT_SEED, anchor: new Date("2026-01-31T00:00:00.000Z") }],
  ])("reads %j", (argv, args) => {
    expect(parseSeedArgs(argv)).toEqual({ ok: true, args });
  });

  test.each([
    [["--customers", "0"], "--customers must be from 1 to 5,000,000; got 0."],
    [["--customers", String(MAX_CUSTOMERS + 1)], "--customers must be from 1 to 5,000,000; got 5000001."],
    [["--customers", "ten"], '--customers must be a whole number from 1 to 5,000,000; got "ten".'],
    [["--customers"], "--customers needs a value."],
    [["--customers", "--seed", "3"], '--customers needs a value; got the option "--seed" (write --customers=--seed if that is the value).'],
    [["--seed", "4294967296"], "--seed must be from 0 to 4,294,967,295; got 4294967296."],
    [["--anchor", "2026-02-30"], '--anchor must be a date like 2026-01-31; got "2026-02-30".'],
    [["--force"], 'Unknown option "--force".'],
    [["5000"], 'Unexpected argument "5000": this command takes only options.'],
  ])("refuses %j", (argv, error) => {
    expect(parseSeedArgs(argv)).toEqual({ ok: false, error });
  });

  test.each([[["--help"]], [["-h", "--customers", "x"]]])("asks for help with %j", (argv) => {
    expect(parseSeedArgs(argv)).toEqual({ ok: false, isHelp: true });
  });
});
