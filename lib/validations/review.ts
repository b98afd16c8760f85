import { z } from "zod";
import { plainText } from "./text";
import { PolicyKind, ValueTier } from "../generated/prisma/enums";
import { MAX_SEARCH_LENGTH, pageSchema, type RawSearchParams } from "./list-params";

/** Most recommendations one review action may touch: a page of 50 ten times over. */
export const MAX_REVIEW_IDS = 500;
/** Recommendations one bulk transaction reviews; the screen sends a selection in batches of this size and shows progress between them. */
export const REVIEW_BATCH_SIZE = 200;
/** Largest "select all matching": the selection's ids travel to the browser, so it stays a few hundred kilobytes. */
export const MAX_MATCHING_SELECTION = 10_000;

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const keySchema = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,100}$/);

/**
 * The review queue's filter, as the URL spells it. The page, the queue query, the selection
 * summary and the bulk actions all read it through this one schema, so a new filter is one field
 * here and one condition in the query.
 */
export const reviewFilterSchema = z
  .object({
    treatment: keySchema.optional(),
    resource: keySchema.optional(),
    policy: z.enum(PolicyKind).optional(),
    tier: z.enum(ValueTier).optional(),
    /** Whole percent, 1 to 100; 0 means no minimum. */
    minConfidence: z.coerce
      .number()
      .int()
      .min(0)
      .max(100)
      .transform((n) => (n === 0 ? undefined : n))
      .optional(),
    /** Part of the customer's name or id, any case. */
    q: z
      .string()
      .transform((s) => s.trim().slice(0, MAX_SEARCH_LENGTH))
      .transform((s) => (s === "" ? undefined : s))
      .optional(),
    /** A saved segment's id: only its members' recommendations. */
    saved: z.uuid("Saved segment: not a segment id.").optional(),
  })
  .strict();

export type ReviewFilter = z.output<typeof reviewFilterSchema>;

/** The orders the queue can be read in; `created` ascending (oldest first) is the default, so nothing waits forever. */
export const REVIEW_SORTS = ["created", "value", "confidence", "risk", "tier", "treatment", "name", "id"] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];
export type SortDirection = "asc" | "desc";

export type ReviewListParams = ReviewFilter & { page: number; sort: ReviewSort; dir: SortDirection };

const FILTER_KEYS = Object.keys(reviewFilterSchema.shape) as (keyof typeof reviewFilterSchema.shape)[];

/** Never throws: a URL field that does not parse is dropped, so nonsense reads as "not filtered" rather than an error page. */
export function parseReviewListParams(raw: RawSearchParams): ReviewListParams {
  const filter: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const parsed = reviewFilterSchema.shape[key].safeParse(first(raw[key]));
    if (parsed.success && parsed.data !== undefined) filter[key] = parsed.data;
  }
  const sort = z.enum(REVIEW_SORTS).catch("created").parse(first(raw.sort));
  const dir = z.enum(["asc", "desc"]).catch("asc").parse(first(raw.dir));
  return { ...(filter as ReviewFilter), page: pageSchema.parse(raw.page), sort, dir };
}

/** The filter part of the list parameters: what a selection and a bulk action carry. */
export function toReviewFilter(params: ReviewListParams): ReviewFilter {
  const filter: ReviewFilter = {};
  for (const key of FILTER_KEYS) if (params[key] !== undefined) (filter as Record<string, unknown>)[key] = params[key];
  return filter;
}

/** The filters and order as query parameters, for links that keep them (pagination, sortable headers). */
export function reviewQuery(params: ReviewListParams): Record<string, string | undefined> {
  return {
    treatment: params.treatment,
    resource: params.resource,
    policy: params.policy,
    tier: params.tier,
    minConfidence: params.minConfidence === undefined ? undefined : String(params.minConfidence),
    q: params.q,
    saved: params.saved,
    sort: params.sort === "created" ? undefined : params.sort,
    dir: params.dir === "asc" ? undefined : params.dir,
  };
}

const idsSchema = z
  .array(z.string().uuid("Not a recommendation id."), { error: "Choose the recommendations to review." })
  .min(1, "Choose at least one recommendation.")
  .max(MAX_REVIEW_IDS, `Review at most ${MAX_REVIEW_IDS} recommendations at once.`);

/** The reason code that needs the reviewer's own words; every other code is one the managers keep. */
export const OTHER_REASON = "other";
const reasonCodeSchema = z.string({ error: "Choose a reason." }).trim().regex(/^[a-z0-9_]{1,40}$/, "Choose a reason.").default(OTHER_REASON);
const reasonTextSchema = z.preprocess((v) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : v), plainText("The reason", { min: 3, max: 500 }).optional());

/** "Other" (also what a request without a code means) needs words; a kept code may go without. */
function requireWordsForOther(input: { reasonCode: string; reason?: string | undefined }, ctx: z.RefinementCtx) {
  if (input.reasonCode === OTHER_REASON && input.reason === undefined) ctx.addIssue({ code: "custom", path: ["reason"], message: "Give a reason." });
}

export const approveInputSchema = z.object({ ids: idsSchema }).strict();
export const rejectInputSchema = z.object({ ids: idsSchema, reasonCode: reasonCodeSchema, reason: reasonTextSchema }).strict().superRefine(requireWordsForOther);
export const overrideInputSchema = z
  .object({
    id: z.string().uuid("Not a recommendation id."),
    treatmentKey: z.string({ error: "Choose a treatment." }).trim().min(1, "Choose a treatment.").max(100),
    reasonCode: reasonCodeSchema,
    reason: reasonTextSchema,
  })
  .strict()
  .superRefine(requireWordsForOther);
export const overrideOptionsInputSchema = z.object({ id: z.string("Not a recommendation id.").uuid("Not a recommendation id.") }).strict();
export const undoInputSchema = z.object({ ids: idsSchema }).strict();
export const matchingSelectionInputSchema = z.object({ filter: reviewFilterSchema }).strict();

export const REASON_KINDS = ["reject", "override"] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/** A manager's new or edited reason code. */
export const reasonCodeInputSchema = z
  .object({
    kind: z.enum(REASON_KINDS, "Choose reject or override."),
    label: plainText("The label", { min: 3, max: 80 }),
  })
  .strict();
export const reasonCodeToggleSchema = z.object({ id: z.string().uuid("Not a reason code."), isActive: z.boolean() }).strict();
