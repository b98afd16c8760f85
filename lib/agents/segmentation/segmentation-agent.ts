// The segmentation agent: finds groups of customers in their stored journey metrics, names each
// group from what sets it apart, and places a customer in the nearest group found.
import { z } from "zod";
import { patternKeys } from "../domain";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "../protocol";
import { describeSegment } from "./describe";
import type { SegmentationAgentMessage, SegmentationAgentResponse } from "./messages";
import { segmentFeatures } from "./messages";
import { DEFAULT_K_RANGE, DEFAULT_SAMPLE_SIZE, assignSegment, segmentCustomers } from "./segment";

export const SEGMENTATION_AGENT_NAME = "segmentation";

/** k-means beyond this many segments stops giving groups a marketer can act on. */
export const MAX_K = 20;
export const MAX_CUSTOMERS = 2_000_000;

const finite = z.number().finite();
const customerSchema = z.object({
  customerId: z.string().min(1).max(200),
  churnRisk: finite.min(0).max(1),
  lifetimeValue: finite,
  monthlyRevenue: finite,
  tenureMonths: finite.min(0),
  revenueTrend: finite.nullable(),
  usageTrend: finite.nullable(),
  complaintsLast90Days: finite.min(0),
  patterns: z.array(z.enum(patternKeys)).max(patternKeys.length),
});
const perFeature = z.object(Object.fromEntries(segmentFeatures.map((f) => [f, finite])) as Record<(typeof segmentFeatures)[number], typeof finite>);
const modelSchema = z
  .object({
    features: z.array(z.enum(segmentFeatures)),
    means: z.array(finite),
    scales: z.array(finite.positive()),
    centroids: z.array(z.array(finite)).min(1).max(MAX_K),
  })
  .refine((m) => m.features.length === segmentFeatures.length && m.features.every((f, j) => f === segmentFeatures[j]), "model.features must be the segmentation features in order")
  .refine((m) => m.means.length === segmentFeatures.length && m.scales.length === segmentFeatures.length, "model.means and model.scales need one value per feature")
  .refine((m) => m.centroids.every((c) => c.length === segmentFeatures.length), "every centroid needs one value per feature");

const messageSchemas = {
  segment_customers: z
    .object({
      type: z.literal("segment_customers"),
      customers: z.array(customerSchema).min(3).max(MAX_CUSTOMERS),
      seed: z.number().int().min(0).max(2 ** 32 - 1),
      k: z.number().int().min(2).max(MAX_K).optional(),
      kRange: z.object({ min: z.number().int().min(2).max(MAX_K), max: z.number().int().min(2).max(MAX_K) }).refine((r) => r.min <= r.max, "kRange.min must not exceed kRange.max").optional(),
      sampleSize: z.number().int().min(10).max(10_000).optional(),
    })
    .refine((m) => m.k === undefined || m.kRange === undefined, "give k or kRange, not both"),
  describe_segment: z.object({
    type: z.literal("describe_segment"),
    segment: z.object({
      index: z.number().int().min(0),
      size: z.number().int().min(0),
      share: finite.min(0).max(1),
      churnRisk: finite.min(0).max(1),
      lifetimeValue: finite,
      means: perFeature,
      standardised: perFeature,
      patternShares: z.partialRecord(z.enum(patternKeys), finite.min(0).max(1)),
    }),
  }),
  assign_segment: z.object({ type: z.literal("assign_segment"), model: modelSchema, customer: customerSchema }),
} satisfies Record<SegmentationAgentMessage["type"], z.ZodType>;

function invalid(type: SegmentationAgentMessage["type"], error: z.ZodError | string): SegmentationAgentResponse {
  const detail = typeof error === "string" ? error : error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ");
  return fail(type, "invalid_message", `Invalid ${type} message: ${detail}`) as SegmentationAgentResponse;
}

export type SegmentationAgent = Agent<SegmentationAgentMessage, SegmentationAgentResponse>;

/** The segmentation agent; stateless (a found model travels in the messages), so one instance serves any caller. */
export function createSegmentationAgent(): SegmentationAgent {
  const handlers: HandlerMap<SegmentationAgentMessage, SegmentationAgentResponse> = {
    segment_customers: async (m) => {
      const parsed = messageSchemas.segment_customers.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      const { customers, seed, k, kRange, sampleSize } = parsed.data;
      const ids = new Set<string>();
      for (const c of customers) {
        if (ids.has(c.customerId)) return invalid(m.type, `customer ${c.customerId} appears twice`);
        ids.add(c.customerId);
      }
      const largest = k ?? kRange?.max ?? DEFAULT_K_RANGE.max;
      const smallest = k ?? kRange?.min ?? DEFAULT_K_RANGE.min;
      const sampled = Math.min(customers.length, sampleSize ?? DEFAULT_SAMPLE_SIZE);
      if (sampled <= largest && (k !== undefined || sampled <= smallest)) {
        return invalid(m.type, `${sampled} customers (after sampling) cannot form ${k ?? smallest} segments`);
      }
      return ok(m.type, segmentCustomers({ customers, seed, k, kRange, sampleSize }));
    },
    describe_segment: async (m) => {
      const parsed = messageSchemas.describe_segment.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      return ok(m.type, describeSegment(parsed.data.segment));
    },
    assign_segment: async (m) => {
      const parsed = messageSchemas.assign_segment.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      const { model, customer } = parsed.data;
      return ok(m.type, { customerId: customer.customerId, ...assignSegment(model, customer) });
    },
  };
  return { name: SEGMENTATION_AGENT_NAME, process: (message) => dispatch(SEGMENTATION_AGENT_NAME, handlers, message) };
}
