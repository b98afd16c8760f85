import type { AllocationOutcome, RecommendationStatus } from "@/lib/generated/prisma/enums";
import type { BadgeTone } from "./badge";

// One look per state, so a held allocation or a pending decision has the same colour in every chart,
// badge and legend. `colour` fills chart marks; `tone` picks the badge.
type StateLook = { label: string; colour: string; tone: BadgeTone };

/** Allocation outcomes in the order charts stack them. */
export const ALLOCATION_OUTCOME_LOOKS = {
  held: { label: "Held", colour: "#f59e0b", tone: "warning" },
  confirmed: { label: "Confirmed", colour: "#059669", tone: "success" },
  released: { label: "Released", colour: "#a1a1aa", tone: "neutral" },
  denied: { label: "Denied", colour: "#dc2626", tone: "danger" },
} as const satisfies Record<AllocationOutcome, StateLook>;

export const ALLOCATION_OUTCOME_ORDER = Object.keys(ALLOCATION_OUTCOME_LOOKS) as AllocationOutcome[];

/** Recommendation statuses in the order charts stack them. */
export const RECOMMENDATION_STATUS_LOOKS = {
  pending_review: { label: "Pending review", colour: "#f59e0b", tone: "warning" },
  approved: { label: "Approved", colour: "#059669", tone: "success" },
  overridden: { label: "Overridden", colour: "#0ea5e9", tone: "info" },
  rejected: { label: "Rejected", colour: "#52525b", tone: "danger" },
  no_action: { label: "No action", colour: "#a1a1aa", tone: "neutral" },
  failed: { label: "Failed", colour: "#dc2626", tone: "danger" },
  superseded: { label: "Replaced by a newer decision", colour: "#d4d4d8", tone: "neutral" },
} as const satisfies Record<RecommendationStatus, StateLook>;

export const RECOMMENDATION_STATUS_ORDER = Object.keys(RECOMMENDATION_STATUS_LOOKS) as RecommendationStatus[];
