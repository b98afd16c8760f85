// Command-line options of `npm run seed`, parsed apart from the command so they can be tested.
import { DEFAULT_SEED, MAX_CUSTOMERS } from "./index";

export const DEFAULT_CUSTOMERS = 2000;

export type SeedArgs = { customers: number; seed: number; anchor?: Date };

export type ParsedSeedArgs = { ok: true; args: SeedArgs } | { ok: false; error: string } | { ok: false; isHelp: true };

export const seedUsage = `Usage: npm run seed -- [--customers N] [--seed S] [--anchor YYYY-MM-DD]
  --customers N   customers to generate, 1 to ${MAX_CUSTOMERS.toLocaleString("en-GB")} (default ${DEFAULT_CUSTOMERS})
  --seed S        random seed, a whole number from 0 to 4294967295 (default ${DEFAULT_SEED})
  --anchor DATE   the day the journeys lead up to (default today, UTC)`;

function wholeNumber(name: string, raw: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(raw.replaceAll("_", ""))) return `${name} must be a whole number from ${min} to ${max.toLocaleString("en-GB")}; got "${raw}"`;
  const value = Number(raw.replaceAll("_", ""));
  if (value < min || value > max) return `${name} must be from ${min} to ${max.toLocaleString("en-GB")}; got ${raw}`;
  return value;
}

/** Parses `--customers N --seed S --anchor YYYY-MM-DD` (also `--name=value`); never throws. */
export function parseSeedArgs(argv: readonly string[]): ParsedSeedArgs {
  let customers = DEFAULT_CUSTOMERS;
  let seed = DEFAULT_SEED;
  let anchor: Date | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") return { ok: false, isHelp: true };
    const match = /^--(customers|seed|anchor)(?:=(.*))?$/.exec(arg);
    if (!match) return { ok: false, error: `Unknown option "${arg}".` };
    const name = match[1] as "customers" | "seed" | "anchor";
    const raw = match[2] ?? argv[++i];
    if (raw === undefined || raw === "") return { ok: false, error: `--${name} needs a value.` };
    if (name === "anchor") {
      const parsed = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T00:00:00.000Z`) : null;
      if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== raw) {
        return { ok: false, error: `--anchor must be a date like 2026-01-31; got "${raw}"` };
      }
      anchor = parsed;
      continue;
    }
    const value = name === "customers" ? wholeNumber("--customers", raw, 1, MAX_CUSTOMERS) : wholeNumber("--seed", raw, 0, 4294967295);
    if (typeof value === "string") return { ok: false, error: value };
    if (name === "customers") customers = value;
    else seed = value;
  }
  return { ok: true, args: { customers, seed, ...(anchor ? { anchor } : {}) } };
}
