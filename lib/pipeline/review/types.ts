// The shapes shared by the review frame and its per-kind handlers.
import type { AllocationAgent } from "../../agents/allocation/allocation-agent";
import type { LatestAllocation, RecommendationState, ReviewUpdate } from "../../agents/allocation/ports";
import type { TreatmentDefinition } from "../../agents/domain";
import type { CustomerFacts } from "../../agents/treatment/compliance";
import type { OwnWritesCapacity } from "./own-writes";

export type Reviewer = { id: string | null; label: string };

export type ReviewOutcome = {
  /** Recommendations whose status changed now. */
  done: string[];
  /** Ones left as they were, with the reason (already reviewed, unknown id, no capacity...). */
  skipped: { recommendationId: string; reason: string }[];
};

/** A reason code the managers keep, or "other" (the default) when the words say it all. */
export type ReasonCode = string;

export type ReviewAction =
  | { kind: "approve" }
  | { kind: "reject"; reason: string; reasonCode?: ReasonCode }
  | { kind: "override"; treatmentKey: string; reason: string; reasonCode?: ReasonCode };

export type ReviewKind = ReviewAction["kind"];
export type ReviewActionOf<K extends ReviewKind> = Extract<ReviewAction, { kind: K }>;

/** The customer's facts now, for re-checking a decision; null when the customer is gone. */
export type LoadFacts = (customerId: string) => Promise<CustomerFacts | null>;

/** What a recommendation's earlier allocation says about serving it again. */
export type Claim = { priority: number; isHighValue: boolean };

/** Everything one review sees inside its transaction, after the capacity rows are locked. */
export type ReviewContext<A extends ReviewAction> = {
  action: A;
  /** Ids still waiting for review, in the order asked; a re-check may have skipped some. */
  pending: string[];
  states: Map<string, RecommendationState>;
  /** Each pending recommendation's newest stored allocation, denials left out. */
  latest: Map<string, LatestAllocation>;
  capacity: OwnWritesCapacity;
  allocation: AllocationAgent;
  catalog: TreatmentDefinition[];
  catalogByKey: Map<string, TreatmentDefinition>;
  reviewer: Reviewer;
  loadFacts: LoadFacts | undefined;
  /** ISO time contacts are planned at. */
  now: string;
  claimOf(recommendationId: string): Claim;
  /** Leaves a recommendation as it is, telling the reviewer why; its status does not change. */
  skip(recommendationId: string, reason: string): void;
  /** Keeps this transaction's denied allocation of a recommendation as history even when the refusal rolls the transaction back. */
  keepDeniedAttempt(recommendationId: string): void;
};

/** What a handler changed: the recommendations it decided, and for an override the treatment they now carry. */
export type Applied = { done: string[]; newTreatment?: TreatmentDefinition };

/** One kind of review. The frame around it loads and locks, skips what is not pending, and writes the reviews and audit entries. */
export type ReviewHandler<A extends ReviewAction> = {
  status: ReviewUpdate["status"];
  /** Refuses a request before any transaction opens (throws an AppError). */
  checkRequest?: (recommendationIds: string[]) => void;
  /**
   * Re-reads what the decision depends on (consent, whether the treatment is still active, contact
   * policy) under the same lock, before `apply`: skips recommendations that no longer qualify
   * through `ctx.skip`, or refuses the whole review with an AppError.
   */
  recheck?: (ctx: ReviewContext<A>) => Promise<void>;
  /** Moves the capacity this decision needs; skips what cannot be served; throws to roll everything back. */
  apply: (ctx: ReviewContext<A>) => Promise<Applied>;
};

/** One handler per kind: a new kind of review without a handler fails to compile. */
export type ReviewHandlers = { [K in ReviewKind]: ReviewHandler<ReviewActionOf<K>> };
