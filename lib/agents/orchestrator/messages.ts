import type { PolicyKind } from "../domain";
import type { AgentResponse } from "../protocol";

export type TraceStep = {
  agent: string;
  type: string;
  /** The message as sent, with bulky payloads summarised. */
  message: unknown;
  /** The response as received, with bulky payloads summarised. */
  response: unknown;
  startedAt: string;
  durationMs: number;
};

/** One hop of the fallback chain: a treatment that could not be held, and why. */
export type FallbackHop = { treatmentKey: string; outcome: "denied"; reason: string };

export type RunSummary = {
  runId: string;
  policy: PolicyKind;
  customers: number;
  processed: number;
  byStatus: { pending_review: number; no_action: number; failed: number };
  byTreatment: Record<string, number>;
  /** Decisions that needed at least one alternative because capacity ran out. */
  fallbacks: number;
  /** Decisions where the model was asked but its answers were rejected or it was unavailable, so the rules decided. */
  modelFallbacks: number;
  /** Of those, decisions for which the circuit breaker made no call (the model paused after repeated faults); absent in older summaries. */
  modelPaused?: number;
  /**
   * The breaker's counters over the run (model faults, times it paused, calls it skipped): each
   * decide chunk adds the share of its own calls; absent in older summaries.
   */
  modelBreaker?: { faults: number; pauses: number; skippedCalls: number };
  /** Decisions of a model run made without asking the model: only no action was allowed for the customer. */
  decidedWithoutModel: number;
  failures: { customerId: string; reason: string }[];
  missingCustomers: string[];
  /** Earlier recommendations, still waiting for review, that this run's decisions replaced (their holds released). */
  supersededEarlier: number;
  modelCalls: number;
  promptTokens: number;
  completionTokens: number;
  /** Sum of the chosen treatments' expected values, GBP. */
  expectedValue: number;
  durationMs: number;
  isCancelled: boolean;
};

export type OrchestratorMessage =
  | { type: "process_customer"; runId: string; customerId: string }
  | { type: "process_run"; runId: string; customerIds: string[] };

export type OrchestratorResponse = AgentResponse<"process_customer", RunSummary> | AgentResponse<"process_run", RunSummary>;

/** How a run reports progress; the answer says whether someone asked to cancel it. */
export type RunProgress = {
  report(progress: { runId: string; processed: number; failed: number }): Promise<{ isCancelRequested: boolean }>;
};
