// A customer has at most one recommendation waiting for review: a new decision replaces an earlier
// one from another run, taking over its units, unless the new decision fails.
import { decideHold } from "../allocation/capacity";
import type { RecommendationState } from "../allocation/ports";
import type { BatchScope } from "./batch-scope";
import type { Decided } from "./decide";
import { elapsedMs } from "./trace";

const SUPERSEDE_REASON = "superseded by a newer decision for the same customer";

/** Recommendations waiting for review, by customer. */
export type EarlierByCustomer = Map<string, RecommendationState[]>;

/** The customers' recommendations from other runs still waiting for review, locked, by customer. */
export async function earlierPending(scope: BatchScope, decided: Decided[]): Promise<EarlierByCustomer> {
  const byCustomer: EarlierByCustomer = new Map();
  if (decided.length === 0) return byCustomer;
  for (const r of await scope.capacity.pendingFor(decided.map((d) => d.customerId))) {
    if (r.runId === scope.runId) continue;
    byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  }
  return byCustomer;
}

/**
 * Gives back, in one step for the whole batch, what the customers' earlier recommendations hold,
 * so the new decisions may take those units; each new decision's trace records its own part.
 */
export async function releaseEarlier(scope: BatchScope, batch: { earlierByCustomer: EarlierByCustomer; decided: Decided[] }): Promise<void> {
  const ids = [...batch.earlierByCustomer.values()].flat().map((r) => r.id);
  if (ids.length === 0) return;
  const startedAt = scope.now().toISOString();
  const t0 = performance.now();
  const response = await scope.allocation.process({ type: "release_allocation", recommendationIds: ids, actor: `run ${scope.runId}`, reason: SUPERSEDE_REASON });
  if (!response.ok || response.type !== "release_allocation") {
    throw new Error(`Earlier holds could not be released: ${response.ok ? response.type : response.error.reason}`);
  }
  const durationMs = elapsedMs(t0);
  const released = new Set(response.data.released);
  for (const item of batch.decided) {
    const own = (batch.earlierByCustomer.get(item.customerId) ?? []).map((r) => r.id);
    if (own.length === 0) continue;
    item.trace.push({
      agent: scope.allocation.name,
      type: "release_allocation",
      message: { type: "release_allocation", recommendationIds: own, reason: SUPERSEDE_REASON },
      response: { ok: true, type: "release_allocation", data: { released: own.filter((id) => released.has(id)), skipped: own.filter((id) => !released.has(id)) } },
      startedAt,
      durationMs,
    });
  }
}

/** The new decision failed: the earlier recommendations keep waiting for review with their holds. */
export async function restoreHolds(scope: BatchScope, failed: { item: Decided; earlier: RecommendationState[] }): Promise<void> {
  const { capacity } = scope;
  // The stored history, which does not show this transaction's releases yet: the holds as they were.
  const holds = [...(await capacity.latestFor(failed.earlier.map((r) => r.id))).values()].filter((a) => a.outcome === "held");
  const restored: string[] = [];
  for (const { createdAt: _at, ...hold } of holds) {
    const resource = capacity.resources.get(hold.resourceKey);
    if (!resource) continue;
    // Freed in this transaction; a higher-priority decision of the batch may have taken it since,
    // and then the earlier recommendation waits without a hold (an approval takes one if any is left).
    // Taken back under the same rule as a new hold, so only a high-value customer may use the reserve.
    const decision = decideHold(resource, hold.units, hold.isHighValue);
    if (!decision.isGranted) continue;
    resource.used += hold.units;
    resource.held += hold.units;
    capacity.record({ ...hold, outcome: "held", reason: "Held again: the newer decision for this customer failed", usedReserve: decision.usedReserve, periodStart: resource.periodStart });
    restored.push(hold.recommendationId!);
  }
  failed.item.trace.push({ agent: "allocation", type: "restore_holds", message: { recommendationIds: failed.earlier.map((r) => r.id) }, response: { ok: true, data: { restored } }, startedAt: scope.now().toISOString(), durationMs: 0 });
}
