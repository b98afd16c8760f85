import { z } from "zod";
import { ValueTier } from "../generated/prisma/enums";

/** Query strings as Next.js hands them to a page: repeated keys arrive as arrays. */
export type RawSearchParams = Record<string, string | string[] | undefined>;

// Pages beyond this are never legitimate and would only make the database skip rows for nothing.
export const MAX_PAGE = 100_000;
export const MAX_SEARCH_LENGTH = 100;

// A repeated key (?page=1&page=2) keeps its first value, like a browser form would send it.
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/** A 1-based page number; anything unusable becomes 1 and huge numbers are capped. */
export const pageSchema = z.preprocess(
  first,
  z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, MAX_PAGE))
    .catch(1),
);

/** Free text, trimmed and cut to a sane length; empty means "not given". */
const textSchema = (maxLength: number) =>
  z.preprocess(
    first,
    z
      .string()
      .transform((s) => s.trim().slice(0, maxLength))
      .transform((s) => (s === "" ? undefined : s))
      .optional()
      .catch(undefined),
  );

const valueTierSchema = z.preprocess(first, z.enum(ValueTier).optional().catch(undefined));

export const pageParamsSchema = z.object({ page: pageSchema });

export const customerListParamsSchema = z.object({
  q: textSchema(MAX_SEARCH_LENGTH),
  segment: textSchema(60),
  tier: valueTierSchema,
  page: pageSchema,
});

export type PageParams = z.infer<typeof pageParamsSchema>;
export type CustomerListParams = z.infer<typeof customerListParamsSchema>;

/** Never throws: every field falls back to its default when the URL holds nonsense. */
export function parsePageParams(raw: RawSearchParams): PageParams {
  return pageParamsSchema.parse(raw);
}

/** Never throws: every field falls back to its default when the URL holds nonsense. */
export function parseCustomerListParams(raw: RawSearchParams): CustomerListParams {
  return customerListParamsSchema.parse(raw);
}
