// Command-line options of `npm run seed`, parsed apart from the command so they can be tested.
import { parseCommandArgs, wholeNumberArg } from "../../lib/cli/args";
import { DEFAULT_SEED, MAX_CUSTOMERS } from "./index";

export const DEFAULT_CUSTOMERS = 2000;

export type SeedArgs = { customers: number; seed: number; anchor?: Date };

export type ParsedSeedArgs = { ok: true; args: SeedArgs } | { ok: false; error: string } | { ok: false; isHelp: true };

export const seedUsage = `Usage: npm run seed -- [--customers N] [--seed S] [--anchor YYYY-MM-DD]
  --customers N   customers to generate, 1 to ${MAX_CUSTOMERS.toLocaleString("en-GB")} (default ${DEFAULT_CUSTOMERS})
  --seed S        random seed, a whole number from 0 to 4294967295 (default ${DEFAULT_SEED})
  --anchor DATE   the day the journeys lead up to (default today, UTC)`;

const OPTIONS = { customers: { type: "string" }, seed: { type: "string" }, anchor: { type: "string" } } as const;

/** Parses `--customers N --seed S --anchor YYYY-MM-DD` (also `--name=value`); never throws. */
export function parseSeedArgs(argv: readonly string[]): ParsedSeedArgs {
  const parsed = parseCommandArgs(argv, OPTIONS);
  if (!parsed.ok) return parsed;
  const { values } = parsed;

  const customers = values.customers === undefined ? { ok: true as const, value: DEFAULT_CUSTOMERS } : wholeNumberArg("--customers", values.customers, { min: 1, max: MAX_CUSTOMERS });
  if (!customers.ok) return customers;
  const seed = values.seed === undefined ? { ok: true as const, value: DEFAULT_SEED } : wholeNumberArg("--seed", values.seed, { min: 0, max: 4294967295 });
  if (!seed.ok) return seed;

  let anchor: Date | undefined;
  if (values.anchor !== undefined) {
    const raw = values.anchor;
    anchor = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T00:00:00.000Z`) : undefined;
    if (!anchor || Number.isNaN(anchor.getTime()) || anchor.toISOString().slice(0, 10) !== raw) {
      return { ok: false, error: `--anchor must be a date like 2026-01-31; got "${raw}".` };
    }
  }
  return { ok: true, args: { customers: customers.value, seed: seed.value, ...(anchor ? { anchor } : {}) } };
}
