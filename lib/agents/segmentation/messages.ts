// Messages and responses of the segmentation agent. Every message is plain JSON data.
import type { PatternKey } from "../domain";
import type { AgentResponse } from "../protocol";

/**
 * What segmentation reads of one customer: the stored journey metrics (JourneyMetrics' units:
 * risk in [0, 1], money GBP, trends fractions) and the keys of the patterns found.
 */
export type SegmentCustomer = {
  customerId: string;
  churnRisk: number;
  lifetimeValue: number;
  monthlyRevenue: number;
  tenureMonths: number;
  revenueTrend: number | null;
  usageTrend: number | null;
  complaintsLast90Days: number;
  patterns: PatternKey[];
};

export const segmentFeatures = [
  "lifetimeValue",
  "monthlyRevenue",
  "churnRisk",
  "usageTrend",
  "revenueTrend",
  "tenureMonths",
  "complaintsLast90Days",
  "priceSensitive",
] as const;
export type SegmentFeature = (typeof segmentFeatures)[number];

/**
 * What `assign_segment` needs to place a customer: each feature's mean and scale (original units;
 * lifetime value as log(1 + GBP)) and the segments' centres in standardised units.
 */
export type SegmentModel = {
  features: SegmentFeature[];
  means: number[];
  scales: number[];
  centroids: number[][];
};

/** A found segment: its members' means in original units and in standard deviations from everyone's. */
export type SegmentProfile = {
  /** 0 is the largest segment. */
  index: number;
  size: number;
  /** Fraction of all customers segmented, in [0, 1]. */
  share: number;
  /** Mean churn risk of the members, in [0, 1]. */
  churnRisk: number;
  /** Mean expected lifetime value of the members, GBP. */
  lifetimeValue: number;
  /** Members' mean of each feature in its own units (price sensitivity: the share flagged). */
  means: Record<SegmentFeature, number>;
  /** How far the members' mean sits from everyone's, in standard deviations: what sets the segment apart. */
  standardised: Record<SegmentFeature, number>;
  /** Share of the members showing each pattern, for the patterns at least one member shows. */
  patternShares: Partial<Record<PatternKey, number>>;
};

export type SegmentationResult = {
  seed: number;
  k: number;
  /** How k was chosen, in words. */
  criterion: string;
  /** Mean silhouette of each k tried on the sample, in [-1, 1]; empty when k was given. */
  scores: { k: number; silhouette: number }[];
  model: SegmentModel;
  segments: SegmentProfile[];
  /** Each customer's segment index, in the order of customer id. */
  assignments: { customerId: string; segment: number }[];
};

export type SegmentDescription = {
  index: number;
  /** A few words naming what sets the segment apart ("High value, usage falling, price-minded"). */
  name: string;
  /** The name with size and risk ("High value, usage falling, price-minded: 312 customers, churn risk 48%"). */
  description: string;
  /** Each distinguishing trait with its distance from everyone, strongest first. */
  traits: { feature: SegmentFeature; label: string; standardised: number }[];
};

export type SegmentationAgentMessage =
  /**
   * Groups customers by k-means++ on standardised metrics. Without `k`, tries every k in
   * `kRange` (default 2 to 8) and keeps the best mean silhouette on a sample of `sampleSize`.
   */
  | { type: "segment_customers"; customers: SegmentCustomer[]; seed: number; k?: number; kRange?: { min: number; max: number }; sampleSize?: number }
  | { type: "describe_segment"; segment: SegmentProfile }
  | { type: "assign_segment"; model: SegmentModel; customer: SegmentCustomer };

export type SegmentationAgentResponse =
  | AgentResponse<"segment_customers", SegmentationResult>
  | AgentResponse<"describe_segment", SegmentDescription>
  | AgentResponse<"assign_segment", { customerId: string; segment: number; distance: number }>;
