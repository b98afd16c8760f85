// What happened after a decision, checked and put in one shape whatever system reported it.
import { z } from "zod";

export const OUTCOME_RESPONSES = ["accepted", "declined", "ignored"] as const;
export type OutcomeResponse = (typeof OUTCOME_RESPONSES)[number];

export const OUTCOME_SOURCES = ["import", "integration", "simulator"] as const;
export type OutcomeSource = (typeof OUTCOME_SOURCES)[number];

/** One decision's outcome; a null stay flag is not known yet (the window has not closed). */
export type Outcome = {
  recommendationId: string;
  contactMade: boolean;
  /** Null when no contact was made. */
  response: OutcomeResponse | null;
  stayed30d: boolean | null;
  stayed90d: boolean | null;
  /** Monthly revenue after minus before, GBP, to the penny; negative when it fell. */
  revenueChangeGbp: number | null;
  source: OutcomeSource;
  /** ISO 8601 instant. */
  recordedAt: string;
};

// Reported values arrive from files and other systems, so case and spacing are forgiven here.
const responseField = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(OUTCOME_RESPONSES, { error: `must be one of ${OUTCOME_RESPONSES.join(", ")}` }));

export const outcomeInputSchema = z.object({
  recommendationId: z.uuid({ error: "must be a decision's id (a UUID)" }),
  contactMade: z.boolean({ error: "must be true or false" }),
  response: responseField.nullable().optional(),
  stayed30d: z.boolean({ error: "must be true, false or null" }).nullable().optional(),
  stayed90d: z.boolean({ error: "must be true, false or null" }).nullable().optional(),
  revenueChangeGbp: z.number({ error: "must be a number of pounds" }).finite().min(-1_000_000).max(1_000_000).nullable().optional(),
  source: z.enum(OUTCOME_SOURCES, { error: `must be one of ${OUTCOME_SOURCES.join(", ")}` }),
  recordedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date and time" }),
});

export type OutcomeInput = z.input<typeof outcomeInputSchema>;

export type OutcomeProblem = { field: string; reason: string };

/**
 * Checks what the zod shape cannot: a response needs a contact, and the two stay windows must agree.
 * Fills what one window implies about the other (left within 30 days is left within 90).
 */
export function normaliseOutcome(input: z.output<typeof outcomeInputSchema>): { ok: true; outcome: Outcome } | { ok: false; problem: OutcomeProblem } {
  const response = input.response ?? null;
  if (!input.contactMade && response !== null) {
    return { ok: false, problem: { field: "response", reason: `is ${response} but no contact was made` } };
  }
  let stayed30d = input.stayed30d ?? null;
  let stayed90d = input.stayed90d ?? null;
  if (stayed30d === false && stayed90d === true) {
    return { ok: false, problem: { field: "stayed90d", reason: "is true but the customer left within 30 days" } };
  }
  if (stayed90d === true) stayed30d = true;
  if (stayed30d === false) stayed90d = false;
  const revenue = input.revenueChangeGbp ?? null;
  return {
    ok: true,
    outcome: {
      recommendationId: input.recommendationId.toLowerCase(),
      contactMade: input.contactMade,
      response,
      stayed30d,
      stayed90d,
      revenueChangeGbp: revenue === null ? null : Math.round(revenue * 100) / 100 + 0, // + 0 turns a rounded −0 into 0
      source: input.source,
      recordedAt: new Date(input.recordedAt).toISOString(),
    },
  };
}
