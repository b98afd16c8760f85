import { z } from "zod";
import { plainText } from "./text";
import { PolicyKind, ValueTier } from "../generated/prisma/enums";
import type { ReviewFilters } from "../queries/recommendations";
import { pageSchema, type RawSearchParams } from "./list-params";

/** Most recommendations one review action may touch: a page of 50 ten times over. */
export const MAX_REVIEW_IDS = 500;

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const keySchema = z.preprocess(first, z.string().trim().regex(/^[A-Za-z0-9_.-]{1,100}$/).optional().catch(undefined));

/** The review queue's URL: page and filters; nonsense falls back to "not filtered". */
export const reviewListParamsSchema = z.object({
  page: pageSchema,
  treatment: keySchema,
  resource: keySchema,
  policy: z.preprocess(first, z.enum(PolicyKind).optional().catch(undefined)),
  tier: z.preprocess(first, z.enum(ValueTier).optional().catch(undefined)),
  /** Whole percent, 1 to 100; 0 or nothing means no minimum. */
  minConfidence: z.preprocess(
    first,
    z.coerce
      .number()
      .int()
      .min(0)
      .max(100)
      .transform((n) => (n === 0 ? undefined : n))
      .optional()
      .catch(undefined),
  ),
});

export type ReviewListParams = z.infer<typeof reviewListParamsSchema>;

/** Never throws. */
export function parseReviewListParams(raw: RawSearchParams): ReviewListParams {
  return reviewListParamsSchema.parse(raw);
}

export function toReviewFilters(params: ReviewListParams): ReviewFilters {
  return {
    treatmentKey: params.treatment,
    resourceKey: params.resource,
    policy: params.policy,
    valueTier: params.tier,
    minConfidence: params.minConfidence === undefined ? undefined : params.minConfidence / 100,
  };
}

/** The filters as query parameters, for links that keep them (pagination). */
export function reviewQuery(params: ReviewListParams): Record<string, string | undefined> {
  return {
    treatment: params.treatment,
    resource: params.resource,
    policy: params.policy,
    tier: params.tier,
    minConfidence: params.minConfidence === undefined ? undefined : String(params.minConfidence),
  };
}

const idsSchema = z
  .array(z.string().uuid("Not a recommendation id."), { error: "Choose the recommendations to review." })
  .min(1, "Choose at least one recommendation.")
  .max(MAX_REVIEW_IDS, `Review at most ${MAX_REVIEW_IDS} recommendations at once.`);

const reasonSchema = z.unknown().refine((v) => v !== undefined && v !== null, "Give a reason.").pipe(plainText("The reason", { min: 3, max: 500 }));

export const approveInputSchema = z.object({ ids: idsSchema }).strict();
export const rejectInputSchema = z.object({ ids: idsSchema, reason: reasonSchema }).strict();
export const overrideInputSchema = z
  .object({
    id: z.string().uuid("Not a recommendation id."),
    treatmentKey: z.string({ error: "Choose a treatment." }).trim().min(1, "Choose a treatment.").max(100),
    reason: reasonSchema,
  })
  .strict();
export const overrideOptionsInputSchema = z.object({ id: z.string("Not a recommendation id.").uuid("Not a recommendation id.") }).strict();
