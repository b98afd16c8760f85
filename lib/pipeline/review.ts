// Review decisions on recommendations. Each call is one transaction under the capacity lock:
// the status change, the capacity it confirms or releases, and the audit entries land together.
import { bindAllocationAgent } from "../agents/allocation/allocation-agent";
import type { AuditRecord, CapacityStore, ReviewUpdate } from "../agents/allocation/ports";
import type { TreatmentDefinition } from "../agents/domain";

export type Reviewer = { id: string | null; label: string };

export type ReviewOutcome = {
  /** Recommendations whose status changed now. */
  done: string[];
  /** Ones left as they were, with the reason (already reviewed, unknown id...). */
  skipped: { recommendationId: string; reason: string }[];
};

type Action = { kind: "approve" } | { kind: "reject"; reason: string };

/**
 * Approves (confirming held capacity) or rejects (releasing it) pending recommendations.
 * Repeated or concurrent calls for the same recommendation change it once.
 */
export async function reviewRecommendations(opts: {
  store: CapacityStore;
  catalog: TreatmentDefinition[];
  recommendationIds: string[];
  action: Action;
  reviewer: Reviewer;
}): Promise<ReviewOutcome> {
  const ids = [...new Set(opts.recommendationIds)];
  return opts.store.transact(async (capacity) => {
    const states = await capacity.loadRecommendations(ids);
    const skipped: ReviewOutcome["skipped"] = [];
    const pending: string[] = [];
    for (const id of ids) {
      const state = states.get(id);
      if (!state) skipped.push({ recommendationId: id, reason: "No such recommendation" });
      else if (state.status !== "pending_review") skipped.push({ recommendationId: id, reason: `Already ${state.status.replace("_", " ")}` });
      else pending.push(id);
    }
    if (pending.length === 0) return { value: { done: [], skipped } };

    const allocation = bindAllocationAgent({ capacity, catalog: opts.catalog });
    const response =
      opts.action.kind === "approve"
        ? await allocation.process({ type: "confirm_allocation", recommendationIds: pending, actor: opts.reviewer.label })
        : await allocation.process({ type: "release_allocation", recommendationIds: pending, actor: opts.reviewer.label, reason: opts.action.reason });
    if (!response.ok) throw new Error(`Capacity could not be settled: ${response.error.reason}`);

    const status = opts.action.kind === "approve" ? "approved" : "rejected";
    const reason = opts.action.kind === "reject" ? opts.action.reason : null;
    const reviews: ReviewUpdate[] = pending.map((recommendationId) => ({ recommendationId, status, reviewedById: opts.reviewer.id, reason }));
    const audit: AuditRecord[] = pending.map((id) => ({
      actorId: opts.reviewer.id,
      actorLabel: opts.reviewer.label,
      action: `recommendation.${opts.action.kind}`,
      entityType: "Recommendation",
      entityId: id,
      before: { status: "pending_review", treatmentKey: states.get(id)!.treatmentKey },
      after: { status, treatmentKey: states.get(id)!.treatmentKey },
      reason,
    }));
    return { value: { done: pending, skipped }, writes: { reviews, audit } };
  });
}
