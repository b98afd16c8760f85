// Message and response types of each agent. Every message is plain JSON data.
import type { AgentResponse } from "./protocol";
import type {
  CustomerData,
  CustomerProfile,
  Journey,
  JourneyAnalysis,
  JourneySummary,
  Permissions,
  ResourceStatus,
  TreatmentDecision,
} from "./domain";
import type { ContactEvent } from "./rules/contact-history";

// ---- Data agent -------------------------------------------------------------------------------
export type DataAgentMessage =
  | { type: "get_customer_data"; customerId: string }
  /** Loads many customers into the cache in one round trip (a run does this ahead of each chunk). */
  | { type: "prefetch_customers"; customerIds: string[] }
  /** Without `customerId`, clears everything. */
  | { type: "clear_cache"; customerId?: string };

export type DataAgentResponse =
  | AgentResponse<"get_customer_data", CustomerData & { isFromCache: boolean }>
  | AgentResponse<"prefetch_customers", { loaded: number; missing: string[] }>
  | AgentResponse<"clear_cache", { cleared: number }>;

// ---- Journey agent ----------------------------------------------------------------------------
export type JourneyAgentMessage =
  | { type: "build_journey"; data: CustomerData }
  /** `asOf` is the ISO time the metrics are computed at (recency, trends). */
  | { type: "analyze_journey"; journey: Journey; profile: CustomerProfile; asOf: string }
  /** `budgetChars` bounds the summary's length (default 1,200 characters). */
  | { type: "summarize_journey"; journey: Journey; analysis: JourneyAnalysis; profile: CustomerProfile; budgetChars?: number };

export type JourneyAgentResponse =
  | AgentResponse<"build_journey", Journey>
  | AgentResponse<"analyze_journey", JourneyAnalysis>
  | AgentResponse<"summarize_journey", JourneySummary>;

// ---- Treatment agent --------------------------------------------------------------------------
export type TreatmentContext = {
  customer: CustomerProfile;
  analysis: JourneyAnalysis;
  summary: JourneySummary;
  permissions: Permissions;
  /** ISO time the decision is made at (contact windows are computed from it). */
  now: string;
  /** The customer's contacts and answers, oldest first (rules/contact-history.ts); absent reads as none. */
  contactHistory?: ContactEvent[];
};

export type TreatmentAgentMessage =
  | ({ type: "recommend_treatment" } & TreatmentContext)
  /**
   * Another treatment, never one in `exclude` (for instance, out of capacity). With `previous`
   * the agent first takes the best remaining of its ranked alternatives, so no new model call is
   * needed while one is left.
   */
  | ({
      type: "find_alternative_treatment";
      exclude: string[];
      /** Why each excluded key was set aside ("capacity full"), shown in the decision's fates. */
      excludeReasons?: Record<string, string>;
      previous?: TreatmentDecision;
    } & TreatmentContext);

export type TreatmentAgentResponse =
  | AgentResponse<"recommend_treatment", TreatmentDecision>
  | AgentResponse<"find_alternative_treatment", TreatmentDecision>;

// ---- Allocation agent -------------------------------------------------------------------------
export type AllocationRequest = {
  /** The caller's id for this attempt, echoed in the result. */
  requestId: string;
  customerId: string;
  treatmentKey: string;
  units: number;
  /** Higher is served first within one message. */
  priority: number;
  isHighValue: boolean;
  runId?: string;
  recommendationId?: string;
};

export type AllocationResult = {
  requestId: string;
  treatmentKey: string;
  resourceKey: string | null;
  outcome: "held" | "denied" | "not_needed";
  usedReserve: boolean;
  reason: string;
};

export type AllocationAgentMessage =
  /** Tries to hold capacity for each request, served in priority order, atomically per message. */
  | { type: "allocate_resource"; requests: AllocationRequest[] }
  | { type: "check_availability"; treatmentKey: string; units?: number; isHighValue?: boolean }
  | { type: "get_constraints" }
  /** Starts a new period for the named resources (all without `resourceKeys`); pending holds carry over. */
  | { type: "reset_constraints"; resourceKeys?: string[]; actor: string }
  /** Turns the holds of these recommendations into confirmed use (approval). */
  | { type: "confirm_allocation"; recommendationIds: string[]; actor: string }
  /** Gives the holds of these recommendations back (rejection, override). */
  | { type: "release_allocation"; recommendationIds: string[]; actor: string; reason: string };

export type AllocationAgentResponse =
  | AgentResponse<"allocate_resource", { results: AllocationResult[] }>
  | AgentResponse<"check_availability", { treatmentKey: string; resourceKey: string | null; isAvailable: boolean; available: number | null }>
  | AgentResponse<"get_constraints", { resources: ResourceStatus[] }>
  | AgentResponse<"reset_constraints", { resources: ResourceStatus[] }>
  | AgentResponse<"confirm_allocation", { confirmed: string[]; skipped: { recommendationId: string; reason: string }[] }>
  | AgentResponse<"release_allocation", { released: string[]; skipped: { recommendationId: string; reason: string }[] }>;
