// Steps 5–6 for a batch, inside its capacity transaction: each decision, highest priority first,
// holds capacity or follows the fallback chain through the treatment agent's alternatives.
import { bindAllocationAgent } from "../allocation/allocation-agent";
import type { DecisionRecord, LockedCapacity, SupersededRecord } from "../allocation/ports";
import type { AllocateDeps, BatchScope } from "./batch-scope";
import { heldOutRecord, isHeldOut } from "./control-group";
import type { TreatmentDecision } from "../domain";
import type { Decided } from "./decide";
import type { FallbackHop } from "./messages";
import { decisionRecord } from "./records";
import { earlierPending, releaseEarlier, restoreHolds } from "./supersede";
import { traced } from "./trace";

const MAX_FALLBACKS = 20;

/**
 * Steps 5–6 for a batch, `decided` sorted highest priority first. A new decision replaces the
 * customer's earlier one still waiting for review: the batch's earlier holds are given back first
 * (so the new choices, in priority order, may take those units) and the earlier ones are marked
 * superseded in the same transaction; if a new decision fails, its earlier one keeps waiting, with
 * its hold while the capacity rule allows it again. A customer held out in the control group takes
 * no capacity, and their earlier decision is superseded like any other so it cannot be approved.
 */
export async function allocateBatch(
  deps: AllocateDeps & { capacity: LockedCapacity; runId: string },
  decided: Decided[],
): Promise<{ records: DecisionRecord[]; superseded: SupersededRecord[] }> {
  const scope: BatchScope = { ...deps, allocation: bindAllocationAgent({ capacity: deps.capacity, catalog: deps.catalog }) };
  const earlierByCustomer = await earlierPending(scope, decided);
  await releaseEarlier(scope, { earlierByCustomer, decided });
  const records: DecisionRecord[] = [];
  const superseded: SupersededRecord[] = [];
  for (const item of decided) {
    const earlier = earlierByCustomer.get(item.customerId) ?? [];
    const share = scope.controlGroupShare ?? 0;
    const record = (await isHeldOut(item, { share, now: scope.now }))
      ? heldOutRecord({ item, runId: scope.runId, share, treatmentName: scope.catalog.find((t) => t.key === item.decision.treatmentKey)?.name ?? item.decision.treatmentKey })
      : await allocate(scope, item);
    if (record.status === "failed" && earlier.length > 0) await restoreHolds(scope, { item, earlier });
    else for (const r of earlier) superseded.push({ recommendationId: r.id, supersededById: item.id });
    records.push(record);
  }
  return { records, superseded };
}

/** The decision with each option set aside for capacity priced in its why-not. */
function withSetAsidePrices(decision: TreatmentDecision, prices: Readonly<Record<string, number>>): TreatmentDecision {
  if (!decision.fates) return decision;
  const fates = decision.fates.map((f) => (f.fate === "excluded" && f.rule === "set_aside" && prices[f.treatmentKey] !== undefined ? { ...f, price: prices[f.treatmentKey]! } : f));
  return { ...decision, fates };
}

/** Holds capacity for one decision, falling back to alternatives while the chosen treatment is denied. */
async function allocate(scope: BatchScope, item: Decided): Promise<DecisionRecord> {
  const { runId } = scope;
  const path: FallbackHop[] = [];
  let decision = item.decision;
  const exclude: string[] = [];
  const setAsideReasons: Record<string, string> = {};
  if (item.setAside && item.setAside.keys.length > 0) {
    // The plan gave these options' units to customers who gain more from them: start below them.
    exclude.push(...item.setAside.keys);
    Object.assign(setAsideReasons, item.setAside.reasons);
    const planned = await traced(item.trace, scope.treatment, { type: "find_alternative_treatment", ...item.context, exclude: [...exclude], excludeReasons: setAsideReasons, previous: decision }, scope.now);
    if (!planned.ok || planned.type !== "find_alternative_treatment") {
      return decisionRecord({ item, runId, decision, path, status: "failed", reason: planned.ok ? "Unexpected treatment response" : planned.error.reason });
    }
    decision = withSetAsidePrices(planned.data, item.setAside.prices);
  }
  for (let hop = 0; hop <= MAX_FALLBACKS; hop++) {
    if (decision.isNoAction) return decisionRecord({ item, runId, decision, path, status: "no_action" });
    const treatment = scope.catalog.find((t) => t.key === decision.treatmentKey)!;
    const held = await traced(item.trace, scope.allocation, {
      type: "allocate_resource",
      requests: [{ requestId: item.id, customerId: item.customerId, treatmentKey: decision.treatmentKey, units: treatment.unitsPerContact, priority: item.priority, isHighValue: item.isHighValue, runId, recommendationId: item.id }],
    }, scope.now);
    if (!held.ok || held.type !== "allocate_resource") {
      return decisionRecord({ item, runId, decision, path, status: "failed", reason: held.ok ? "Unexpected allocation response" : held.error.reason });
    }
    const result = held.data.results[0]!;
    if (result.outcome !== "denied") return decisionRecord({ item, runId, decision, path, status: "pending_review" });
    path.push({ treatmentKey: decision.treatmentKey, outcome: "denied", reason: result.reason });
    exclude.push(decision.treatmentKey);
    const excludeReasons = { ...setAsideReasons, ...Object.fromEntries(path.map((hop) => [hop.treatmentKey, hop.reason])) };
    const alternative = await traced(item.trace, scope.treatment, { type: "find_alternative_treatment", ...item.context, exclude: [...exclude], excludeReasons, previous: decision }, scope.now);
    if (!alternative.ok || alternative.type !== "find_alternative_treatment") {
      return decisionRecord({ item, runId, decision, path, status: "failed", reason: alternative.ok ? "Unexpected treatment response" : alternative.error.reason });
    }
    decision = item.setAside ? withSetAsidePrices(alternative.data, item.setAside.prices) : alternative.data;
  }
  return decisionRecord({ item, runId, decision, path, status: "failed", reason: `No treatment could be held after ${MAX_FALLBACKS} alternatives` });
}
