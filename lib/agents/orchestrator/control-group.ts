// The standing control group: a share of customers, fixed by a stable hash of their id, gets no
// action in any run, so that what the treated customers do can be compared with what they would
// have done anyway. A customer joins or leaves it only when the share changes.
import type { DecisionRecord } from "../allocation/ports";
import { createEvaluationAgent } from "../evaluation/evaluation-agent";
import type { Decided } from "./decide";
import { decisionRecord } from "./records";
import { traced } from "./trace";

/** The experiment every run's hold-out is drawn from; renaming it would reshuffle the group. */
export const STANDING_CONTROL = "standing-control";

const evaluation = createEvaluationAgent();

/**
 * Whether `item` is held out at `share` (0 holds out nobody). Only a decision that would act is
 * asked: a customer decided no action is treated alike in both groups. The answer is traced.
 */
export async function isHeldOut(item: Decided, opts: { share: number; now: () => Date }): Promise<boolean> {
  if (opts.share <= 0 || item.decision.isNoAction) return false;
  const arms = opts.share >= 1 ? [{ key: "control", share: 1 }] : [{ key: "control", share: opts.share }, { key: "treated", share: 1 - opts.share }];
  const answer = await traced(item.trace, evaluation, { type: "assign_groups", experimentKey: STANDING_CONTROL, arms, customerIds: [item.customerId] }, opts.now);
  if (!answer.ok || answer.type !== "assign_groups") throw new Error(`Control group assignment failed: ${answer.ok ? answer.type : answer.error.reason}`);
  return answer.data.assignments[0]?.arm === "control";
}

/** The row of a held-out customer: no action, no capacity, and the treatment they would have had. */
export function heldOutRecord(opts: { item: Decided; runId: string; share: number; treatmentName: string }): DecisionRecord {
  const { item, runId } = opts;
  const decision = item.decision;
  const record = decisionRecord({ item, runId, decision, path: [], status: "no_action" });
  const percent = `${Math.round(opts.share * 1000) / 10}%`;
  return {
    ...record,
    treatmentKey: null,
    heldOutFrom: decision.treatmentKey,
    rationale: `Held out in the standing control group (${percent} of customers get no action, so treatments can be measured against them). Would have received ${opts.treatmentName}: ${decision.rationale}`,
    expectedValue: 0,
    nextContactAt: null,
  };
}
