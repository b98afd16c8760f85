import { z } from "zod";
import { AllocationOutcome } from "../generated/prisma/enums";
import { pageSchema, type RawSearchParams } from "./list-params";

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists (no 31 February). */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const keySchema = z.preprocess(
  first,
  z
    .string()
    .trim()
    .max(200)
    .transform((s) => (s === "" ? undefined : s))
    .optional()
    .catch(undefined),
);

const rawDaySchema = z.preprocess(
  first,
  z
    .string()
    .trim()
    .max(40)
    .transform((s) => (s === "" ? undefined : s))
    .optional()
    .catch(undefined),
);

const rawParamsSchema = z.object({
  resource: keySchema,
  treatment: keySchema,
  outcome: z.preprocess(first, z.enum(AllocationOutcome).optional().catch(undefined)),
  from: rawDaySchema,
  to: rawDaySchema,
  page: pageSchema,
});

export type AllocationListParams = {
  resource?: string;
  treatment?: string;
  outcome?: AllocationOutcome;
  /** First day included, `YYYY-MM-DD` in UK time. */
  from?: string;
  /** Last day included, `YYYY-MM-DD` in UK time. */
  to?: string;
  page: number;
  /** What was wrong with the URL and has been ignored, in words for the person who typed it. */
  problems: string[];
};

/** A from–to range of calendar days from a URL: unusable days, or a range that runs backwards, are dropped and said in `problems`. */
export function parseDayRange(raw: { from?: string; to?: string }, problems: string[]): { from?: string; to?: string } {
  const day = (value: string | undefined, label: string) => {
    if (value === undefined) return undefined;
    if (isCalendarDay(value)) return value;
    problems.push(`The ${label} date "${value}" is not a calendar date (YYYY-MM-DD); it was ignored.`);
    return undefined;
  };
  const from = day(raw.from, "from");
  const to = day(raw.to, "to");
  if (from && to && from > to) {
    problems.push(`The from date ${from} is after the to date ${to}; the date range was ignored.`);
    return {};
  }
  return { from, to };
}

/** Never throws: unusable filters are dropped and named in `problems`. */
export function parseAllocationListParams(raw: RawSearchParams): AllocationListParams {
  const parsed = rawParamsSchema.parse(raw);
  const problems: string[] = [];
  const { from, to } = parseDayRange(parsed, problems);
  return { resource: parsed.resource, treatment: parsed.treatment, outcome: parsed.outcome, from, to, page: parsed.page, problems };
}
