// The recommendation rows a run writes: one per customer, whether it got a treatment, no action,
// or failed, with the trace that explains it.
import type { DecisionRecord } from "../allocation/ports";
import type { TreatmentDecision } from "../domain";
import type { Decided, Failed } from "./decide";
import { insightOf } from "./insight";
import type { FallbackHop } from "./messages";

/**
 * The row for a decided customer once capacity has answered. Only an action held for review carries
 * its expected value and next contact; a failure keeps no treatment.
 */
export function decisionRecord(opts: {
  item: Decided;
  runId: string;
  decision: TreatmentDecision;
  path: FallbackHop[];
  status: DecisionRecord["status"];
  reason?: string;
}): DecisionRecord {
  const { item, runId, decision, path, status } = opts;
  const isAction = status === "pending_review";
  return {
    id: item.id,
    runId,
    customerId: item.customerId,
    status,
    treatmentKey: status === "failed" ? null : decision.treatmentKey,
    policy: decision.policy,
    rationale: path.length > 0 ? `${decision.rationale} (Chosen after ${path.map((p) => p.treatmentKey).join(", ")} had no capacity left.)` : decision.rationale,
    confidence: decision.confidence,
    expectedValue: isAction ? decision.expectedValue : 0,
    alternatives: decision.alternatives,
    fallbackPath: path,
    permissionStatement: decision.compliance.statement,
    nextContactAt: isAction ? decision.compliance.nextContactAt : null,
    failureReason: opts.reason ?? null,
    trace: { steps: item.trace, notes: decision.notes, usage: decision.usage, evidence: decision.evidence, language: decision.compliance.language },
    fates: decision.fates ?? null,
    insight: insightOf(item.context.analysis, runId),
  };
}

/** The row for a customer whose steps 1–4 failed: no recommendation, no contact. */
export function failedRecord(item: Failed, runId: string): DecisionRecord {
  return {
    id: item.id, runId, customerId: item.customerId, status: "failed", treatmentKey: null, policy: item.policy,
    rationale: `No recommendation: ${item.reason}`, confidence: 0, expectedValue: 0, alternatives: [], fallbackPath: [],
    permissionStatement: "No contact: the customer was not processed.", nextContactAt: null, failureReason: item.reason, trace: { steps: item.trace },
  };
}
