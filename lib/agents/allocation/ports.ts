// What the allocation agent needs from storage: every capacity change happens inside one
// transaction that has locked the resource rows, together with the decisions that depend on it.
import type { Channel, CustomerData, JourneyPattern, PatternKey, PolicyKind, TreatmentDefinition, ValueTier } from "../domain";
import type { ContactPolicy } from "../rules/contact-policy";
import type { CapacityPrices } from "./bid-price";
import type { LockedResource } from "./capacity";

export type AllocationOutcome = "held" | "confirmed" | "released" | "denied";

/** One row of the append-only allocation history. */
export type AllocationRecord = {
  resourceKey: string;
  treatmentKey: string;
  customerId: string;
  recommendationId: string | null;
  runId: string | null;
  outcome: AllocationOutcome;
  units: number;
  reason: string;
  priority: number;
  isHighValue: boolean;
  usedReserve: boolean;
  periodStart: string;
};

/** The newest history row of a recommendation other than a denial: its hold is live only when `outcome` is "held". */
export type LatestAllocation = AllocationRecord & { createdAt: string };

/** A recommendation as written by a run. */
export type DecisionRecord = {
  id: string;
  runId: string;
  customerId: string;
  status: "pending_review" | "no_action" | "failed";
  treatmentKey: string | null;
  policy: PolicyKind;
  rationale: string;
  confidence: number;
  expectedValue: number;
  alternatives: unknown;
  fallbackPath: unknown;
  permissionStatement: string;
  nextContactAt: string | null;
  failureReason: string | null;
  /**
   * The agents' steps and what the decision noted. Steps a run staged for the customer before
   * allocating (deciding it) stay where the run kept them, and readers put them in front of these:
   * the allocation never reads them back nor writes them again.
   */
  trace: { steps: unknown[] } & Record<string, unknown>;
  /** Every catalog treatment's fate (TreatmentFate[]); null or absent when the decision has none. */
  fates?: unknown;
  /** The journey analysis the decision read, stored as the customer's insight with it; absent when the customer was not analysed. */
  insight?: CustomerInsightRecord;
  /** The treatment a customer held out in the control group would have had (status no_action); absent otherwise. */
  heldOutFrom?: string | null;
};

/** A customer's journey metrics and patterns as a run analysed them (JourneyMetrics' units), kept for lists and segments. */
export type CustomerInsightRecord = {
  customerId: string;
  runId: string | null;
  asOf: string;
  churnRisk: number;
  lifetimeValue: number;
  valueTier: ValueTier;
  monthlyRevenue: number;
  tenureMonths: number;
  revenueTrend: number | null;
  usageTrend: number | null;
  complaintCount: number;
  complaintsLast90Days: number;
  incidentsLast90Days: number;
  latePayments: number;
  missedPayments: number;
  latestChurnScore: number | null;
  sentiment: number | null;
  patterns: PatternKey[];
  maxSeverity: JourneyPattern["severity"] | null;
};

/** A review decision applied to a pending recommendation. */
export type ReviewUpdate = {
  recommendationId: string;
  status: "approved" | "rejected" | "overridden";
  reviewedById: string | null;
  reason: string | null;
  /** For an override: the new treatment and the one it replaced. */
  treatmentKey?: string;
  overriddenFrom?: string;
};

export type AuditRecord = {
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
};

/** A pending recommendation replaced by a newer decision for the same customer (its hold released in the same transaction). */
export type SupersededRecord = { recommendationId: string; supersededById: string };

/** Writes that must land in the same transaction as the capacity change; superseded ones are written before new decisions. */
export type BatchWrites = {
  decisions?: DecisionRecord[];
  superseded?: SupersededRecord[];
  reviews?: ReviewUpdate[];
  audit?: AuditRecord[];
  /** A batch run's resource prices (GBP per unit), stored with its holds so decisions until the next run pay them. */
  prices?: CapacityPrices;
};

/** The prices the last batch run stored, and when (ISO; null when no run has priced yet). */
export type StoredPrices = CapacityPrices & { highValuePrices: Record<string, number>; updatedAt: string | null };

export type RecommendationState = { id: string; status: string; treatmentKey: string | null; customerId: string; runId: string };

/** What a review re-checks, read inside its transaction. */
export type ReviewFacts = {
  /** The treatments active now. */
  catalog: TreatmentDefinition[];
  /** The name of every treatment, active or not, so a deactivated one can be named. */
  treatmentNames: Map<string, string>;
  contactPolicy: ContactPolicy;
  /** The customers asked for that exist, with consent and our past decisions. */
  customers: Map<string, CustomerData>;
  /** When each customer's consent on each channel last changed (ISO). */
  consentChangedAt: Map<string, Partial<Record<Channel, string>>>;
  /** The capacity prices the last batch run stored, as this transaction sees them; absent where none are kept (every resource free). */
  prices?: StoredPrices;
  /**
   * Expected value (GBP, net of contact cost) of each treatment the customer's pending
   * recommendation weighed (chosen, ranked alternatives, fates), keyed by customer then treatment.
   */
  pendingValues?: Map<string, Record<string, number>>;
};

export type LockedCapacity = {
  /** Every resource, locked until the transaction ends. */
  readonly resources: Map<string, LockedResource>;
  /** Adds a history row, written when the transaction commits. */
  record(row: AllocationRecord): void;
  /**
   * The newest stored history row of each recommendation among `recommendationIds`, denials left
   * out (a refused attempt changes no hold). Rows recorded in this transaction are not seen: they
   * are written when it commits.
   */
  latestFor(recommendationIds: string[]): Promise<Map<string, LatestAllocation>>;
  /** Current state of these recommendations (read inside the same transaction). */
  loadRecommendations(ids: string[]): Promise<Map<string, RecommendationState>>;
  /** The recommendations of these customers that wait for review, locked until the transaction ends. */
  pendingFor(customerIds: string[]): Promise<RecommendationState[]>;
  /** The database's clock, so periods agree across processes. */
  readonly now: string;
  /** Reads what a review re-checks for these customers in this transaction; stores that serve no reviews leave it out. */
  readReviewFacts?(customerIds: string[]): Promise<ReviewFacts>;
};

export type CapacityStore = {
  /**
   * Locks every resource row, lets `fn` decide, then writes `writes`, the recorded history rows and
   * the changed counters in one transaction. If anything fails nothing is written.
   */
  transact<T>(fn: (capacity: LockedCapacity) => Promise<{ value: T; writes?: BatchWrites }>): Promise<T>;
  /** A consistent read of every resource without locking. */
  readResources(): Promise<LockedResource[]>;
  /** The prices stored by the last batch run; stores that keep none leave it out (every resource is then free). */
  readPrices?(): Promise<StoredPrices>;
};

/** A linear programme in structured form: maximise Σ objective·x subject to rows, 0 ≤ x ≤ upper. */
export type LinearProgram = {
  /** Column names must be unique and made of letters, digits and underscores. */
  columns: { name: string; objective: number; upper: number }[];
  rows: { name: string; terms: [column: string, coefficient: number][]; upper: number }[];
};

/** An optimal solution: column values and each row's dual (the objective's gain per unit of the row's bound). */
export type LpSolution = { objective: number; primal: Map<string, number>; duals: Map<string, number> };

/** Solves linear programmes (HiGHS in production); refuses with an error when no optimum is found. */
export type LpSolver = { solve(lp: LinearProgram): Promise<LpSolution> };
