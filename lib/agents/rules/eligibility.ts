// Who a treatment may be offered to. One strict schema for every place a rule set enters the
// system (the seeded catalog, a stored catalog row, an edit), so a rule the agents would silently
// ignore, such as a misspelt field, is refused where it is written instead of where it is used.
import { z } from "zod";
import { patternKeys, valueTiers } from "../vocabulary";

const months = (field: string) =>
  z
    .number(`${field} must be a number of months.`)
    .int(`${field} must be whole months.`)
    .min(0, `${field} cannot be negative.`);

const nonEmpty = (field: string) => `${field}, when given, must list at least one value.`;

/**
 * Every stated rule must hold; an absent rule does not restrict. `requiresPatterns` holds when the
 * journey shows at least one of the listed patterns; `minChurnRisk` is a probability in [0, 1];
 * tenure is in whole months and the minimum never exceeds the maximum.
 */
export const eligibilitySchema = z
  .strictObject(
    {
      valueTiers: z
        .array(z.enum(valueTiers, { error: (iss) => `"${String(iss.input)}" is not a value tier (${valueTiers.join(", ")}).` }))
        .min(1, nonEmpty("valueTiers"))
        .optional(),
      segments: z
        .array(z.string("A segment must be text.").min(1, "A segment cannot be empty."))
        .min(1, nonEmpty("segments"))
        .optional(),
      minTenureMonths: months("minTenureMonths").optional(),
      maxTenureMonths: months("maxTenureMonths").optional(),
      minChurnRisk: z
        .number("minChurnRisk must be a number.")
        .min(0, "minChurnRisk is a probability from 0 to 1.")
        .max(1, "minChurnRisk is a probability from 0 to 1.")
        .optional(),
      requiresPatterns: z
        .array(z.enum(patternKeys, { error: (iss) => `"${String(iss.input)}" is not a journey pattern.` }))
        .min(1, nonEmpty("requiresPatterns"))
        .optional(),
    },
    { error: (iss) => (iss.code === "unrecognized_keys" ? "is not an eligibility rule." : "Eligibility rules must be an object.") },
  )
  .refine((e) => e.minTenureMonths === undefined || e.maxTenureMonths === undefined || e.minTenureMonths <= e.maxTenureMonths, {
    message: "maxTenureMonths must not be below minTenureMonths.",
    path: ["maxTenureMonths"],
  });

export type Eligibility = z.infer<typeof eligibilitySchema>;

/** The rule names a treatment may state, in the order people read them. */
export const eligibilityFields = ["valueTiers", "segments", "minTenureMonths", "maxTenureMonths", "minChurnRisk", "requiresPatterns"] as const satisfies readonly (keyof Eligibility)[];

/** `field` is the rule's name, or "eligibility" when the whole value is not a rule set. */
export type EligibilityProblem = { field: string; message: string };

export type EligibilityCheck = { ok: true; eligibility: Eligibility } | { ok: false; problems: EligibilityProblem[] };

/** Checks untrusted rules (stored JSON, an edit) against the schema; each problem names its field. */
export function checkEligibility(value: unknown): EligibilityCheck {
  const parsed = eligibilitySchema.safeParse(value);
  if (parsed.success) return { ok: true, eligibility: parsed.data };
  const problems = parsed.error.issues.flatMap((issue): EligibilityProblem[] => {
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ field: key, message: `${key} ${issue.message}` }));
    const field = issue.path[0];
    return [{ field: field === undefined ? "eligibility" : String(field), message: issue.message }];
  });
  return { ok: false, problems };
}

/** Problems as one text for a person, each sentence naming its field. */
export function describeEligibilityProblems(problems: readonly EligibilityProblem[]): string {
  return problems.map((p) => (p.message.startsWith(p.field) ? p.message : `${p.field}: ${p.message}`)).join(" ");
}
