// Shape checks of treatment messages arriving as JSON. They confirm what the policies read;
// unknown extra fields are let through untouched, because the other agents own those shapes.
import { z } from "zod";
import { channels, patternKeys, valueTiers } from "../domain";
import type { TreatmentAgentMessage } from "../messages";
import { contactEventKinds } from "../rules/contact-history";

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const nullableFinite = finite.nullable();
const isoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO time");
const clock = z.string().nullable();

const profile = z.looseObject({
  id: z.string().trim().min(1),
  name: z.string(),
  segment: z.string(),
  plan: z.string(),
  contractType: z.string(),
  tenureMonths: finite,
  monthlyRevenue: finite,
  valueTier: z.enum(valueTiers),
  region: z.string(),
  language: z.string(),
  attributes: z.record(z.string(), z.unknown()),
});

const metrics = z.looseObject({
  tenureMonths: finite,
  monthlyRevenue: finite,
  revenueTrend: nullableFinite,
  usageTrend: nullableFinite,
  complaintsLast90Days: finite,
  incidentsLast90Days: finite,
  poorNetworkShare: nullableFinite,
  latePayments: finite,
  sentiment: nullableFinite,
  deviceAgeMonths: nullableFinite,
  hasPortOutEnquiry: z.boolean(),
  offersAccepted: finite,
  offersDeclined: finite,
  churnRisk: finite.refine((v) => v >= 0 && v <= 1, "must be between 0 and 1"),
  valueTier: z.enum(valueTiers),
  lifetimeValue: finite,
});

const analysis = z.looseObject({
  customerId: z.string().min(1),
  asOf: z.string(),
  metrics,
  patterns: z.array(z.looseObject({ key: z.enum(patternKeys), label: z.string(), severity: z.enum(["low", "medium", "high"]), evidence: z.array(z.string()) })),
});

const summary = z.looseObject({ customerId: z.string(), text: z.string().max(20_000) });

const permissions = z.looseObject({
  hasRecord: z.boolean(),
  channels: z.array(z.looseObject({ channel: z.enum(channels), marketing: z.boolean() })),
  preferences: z
    .looseObject({
      preferredLanguage: z.string(),
      contactWindowStart: clock,
      contactWindowEnd: clock,
      dndStart: clock,
      dndEnd: clock,
      timeZone: z.string(),
    })
    .nullable(),
});

/** More than any customer's history holds; the policy looks back a year at most. */
const MAX_HISTORY = 5_000;

const contactHistory = z
  .array(
    z.looseObject({
      kind: z.enum(contactEventKinds),
      at: isoTime,
      channel: z.enum(channels).nullable(),
      treatmentKey: z.string().nullable(),
      goal: z.string().nullable(),
      label: z.string(),
    }),
  )
  .max(MAX_HISTORY)
  .optional();

const context = { customer: profile, analysis, summary, permissions, now: isoTime, contactHistory };

const previous = z.looseObject({
  treatmentKey: z.string(),
  policy: z.enum(["llm", "rules"]),
  evidence: z.array(z.string()),
  confidence: finite,
  alternatives: z.array(z.looseObject({ treatmentKey: z.string(), expectedValue: finite, reason: z.string() })),
  notes: z.array(z.string()),
  usage: z.looseObject({ calls: finite, promptTokens: finite, completionTokens: finite, retries: finite }),
});

const schemas = {
  recommend_treatment: z.looseObject({ type: z.literal("recommend_treatment"), ...context }),
  find_alternative_treatment: z.looseObject({
    type: z.literal("find_alternative_treatment"),
    ...context,
    exclude: z.array(z.string()).max(200),
    excludeReasons: z.record(z.string(), z.string().max(2000)).optional(),
    previous: previous.optional(),
  }),
} satisfies Record<TreatmentAgentMessage["type"], z.ZodType>;

/** Every problem with `message` as "path: problem"; empty when it has the shape its type needs. */
export function messageProblems(message: TreatmentAgentMessage): string[] {
  const parsed = schemas[message.type].safeParse(message);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`);
}
