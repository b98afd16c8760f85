// The run's summary: counts and sums over what was written, so the summary always agrees with the
// stored recommendations, even for a run an outage stopped part way.
import type { DecisionRecord } from "../allocation/ports";
import type { PolicyKind, TreatmentDecision } from "../domain";
import type { Outcome } from "./decide";
import type { RunSummary } from "./messages";
import type { SavedBatch } from "./save-batch";

/** The summary of a run before any customer is saved. */
export function emptySummary(run: { runId: string; policy: PolicyKind; customers: number }): RunSummary {
  return {
    runId: run.runId, policy: run.policy, customers: run.customers, processed: 0,
    byStatus: { pending_review: 0, no_action: 0, failed: 0 }, byTreatment: {}, fallbacks: 0, modelFallbacks: 0, modelPaused: 0, decidedWithoutModel: 0,
    failures: [], missingCustomers: [], supersededEarlier: 0, modelCalls: 0, promptTokens: 0, completionTokens: 0, expectedValue: 0, durationMs: 0, isCancelled: false,
  };
}

/** Adds a saved batch to `summary`; a batch stopped by an outage counts only its saved part. */
export function tallySaved(summary: RunSummary, batch: { items: Outcome[]; saved: SavedBatch }): void {
  const { items, saved } = batch;
  const savedIds = new Set(saved.records.map((r) => r.customerId));
  tally(summary, saved.error ? items.filter((i) => i.kind !== "missing" && savedIds.has(i.customerId)) : items, saved.records);
  summary.supersededEarlier += saved.superseded;
}

/** What the summary reads of a customer's staged outcome, so a run's summary need not read back every trace. */
export type TalliedOutcome =
  | { kind: "missing" | "failed"; customerId: string }
  | { kind: "decided"; customerId: string; decision: Pick<TreatmentDecision, "usage" | "policy" | "modelFallback"> };

/** The fields of `outcome` its run's summary counts, stored beside it so the summary never parses the whole outcome. */
export function talliedOf(outcome: Outcome): TalliedOutcome {
  if (outcome.kind !== "decided") return { kind: outcome.kind, customerId: outcome.customerId };
  const { usage, policy, modelFallback } = outcome.decision;
  return { kind: "decided", customerId: outcome.customerId, decision: { usage, policy, ...(modelFallback ? { modelFallback } : {}) } };
}

/** What the summary reads of a stored recommendation. */
export type TalliedRecord = Pick<DecisionRecord, "customerId" | "status" | "failureReason" | "treatmentKey" | "fallbackPath" | "expectedValue">;

/**
 * Adds a whole run at once: every customer it decided and the recommendations stored for them, as
 * read back after the allocation (so a run allocated over several attempts is counted once).
 */
export function tallyRun(summary: RunSummary, run: { items: TalliedOutcome[]; records: TalliedRecord[]; superseded: number }): void {
  tally(summary, run.items, run.records);
  summary.supersededEarlier += run.superseded;
}

function tally(summary: RunSummary, items: TalliedOutcome[], records: TalliedRecord[]) {
  const isModelRun = summary.policy === "llm";
  for (const item of items) {
    if (item.kind === "missing") summary.missingCustomers.push(item.customerId);
    if (item.kind === "decided") {
      const u = item.decision.usage;
      summary.modelCalls += u.calls;
      summary.promptTokens += u.promptTokens;
      summary.completionTokens += u.completionTokens;
      if (isModelRun && item.decision.policy === "rules") {
        // Asked and refused (or unavailable) is a fallback, and so is a call the circuit breaker kept
        // from being made; never asked means nothing but no action was allowed.
        if (u.calls > 0 || item.decision.modelFallback) summary.modelFallbacks++;
        else summary.decidedWithoutModel++;
        if (item.decision.modelFallback?.kind === "paused") summary.modelPaused = (summary.modelPaused ?? 0) + 1;
      }
    }
  }
  for (const r of records) {
    summary.processed++;
    summary.byStatus[r.status]++;
    if (r.status === "failed") {
      if (summary.failures.length < 100) summary.failures.push({ customerId: r.customerId, reason: r.failureReason ?? "unknown" });
      continue;
    }
    if (r.treatmentKey) summary.byTreatment[r.treatmentKey] = (summary.byTreatment[r.treatmentKey] ?? 0) + 1;
    if (Array.isArray(r.fallbackPath) && r.fallbackPath.length > 0) summary.fallbacks++;
    summary.expectedValue = Math.round((summary.expectedValue + r.expectedValue) * 100) / 100;
  }
  summary.processed += items.filter((i) => i.kind === "missing").length;
}
