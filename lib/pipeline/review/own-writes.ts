import type { AllocationRecord, LatestAllocation, LockedCapacity } from "../../agents/allocation/ports";

export type OwnWritesCapacity = LockedCapacity & { ownDenial(recommendationId: string): AllocationRecord | undefined };

/**
 * The locked capacity with its own unsaved history visible: a hold recorded earlier in this
 * transaction is live for a confirm later in it.
 */
export function seeingOwnWrites(capacity: LockedCapacity): OwnWritesCapacity {
  const recorded = new Map<string, LatestAllocation>();
  const denials = new Map<string, AllocationRecord>();
  return {
    ownDenial: (recommendationId) => denials.get(recommendationId),
    resources: capacity.resources,
    now: capacity.now,
    loadRecommendations: (ids) => capacity.loadRecommendations(ids),
    pendingFor: (customerIds) => capacity.pendingFor(customerIds),
    ...(capacity.readReviewFacts ? { readReviewFacts: (customerIds: string[]) => capacity.readReviewFacts!(customerIds) } : {}),
    record: (row) => {
      capacity.record(row);
      // A denial changes no hold, so it never stands as a recommendation's latest state.
      if (row.recommendationId && row.outcome === "denied") denials.set(row.recommendationId, row);
      else if (row.recommendationId) recorded.set(row.recommendationId, { ...row, createdAt: capacity.now });
    },
    latestFor: async (ids) => {
      const latest = await capacity.latestFor(ids);
      for (const id of ids) {
        const own = recorded.get(id);
        if (own) latest.set(id, own);
      }
      return latest;
    },
  };
}
