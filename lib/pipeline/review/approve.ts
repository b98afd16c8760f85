import { recheckApprovals } from "./recheck";
import type { ReviewActionOf, ReviewHandler } from "./types";

/**
 * Confirms held capacity. A treatment that needs capacity but holds none (its hold was released
 * elsewhere) takes it now or is skipped when none is left; one whose capacity is already confirmed
 * takes nothing more; one whose treatment left the catalog without a live hold is skipped.
 */
export const approveHandler: ReviewHandler<ReviewActionOf<"approve">> = {
  status: "approved",
  recheck: recheckApprovals,
  apply: async (ctx) => {
    const { states, latest, catalogByKey } = ctx;
    const refused = new Set<string>();
    const refuse = (id: string, reason: string) => {
      refused.add(id);
      ctx.skip(id, reason);
    };
    const unheld = ctx.pending.filter((id) => {
      const t = states.get(id)!.treatmentKey;
      const treatment = t ? catalogByKey.get(t) : undefined;
      const outcome = latest.get(id)?.outcome;
      return treatment?.resourceKey && outcome !== "held" && outcome !== "confirmed";
    });
    const gone = ctx.pending.filter((id) => {
      const t = states.get(id)!.treatmentKey;
      return t !== null && !catalogByKey.has(t) && latest.get(id)?.outcome !== "held";
    });
    for (const id of gone) refuse(id, `Treatment ${states.get(id)!.treatmentKey} is no longer in the catalog`);
    if (unheld.length > 0) {
      const response = await ctx.allocation.process({
        type: "allocate_resource",
        requests: unheld.map((id) => {
          const s = states.get(id)!;
          const treatment = catalogByKey.get(s.treatmentKey!)!;
          return { requestId: id, customerId: s.customerId, treatmentKey: treatment.key, units: treatment.unitsPerContact, ...ctx.claimOf(id), runId: s.runId, recommendationId: id };
        }),
      });
      if (!response.ok || response.type !== "allocate_resource") throw new Error(`Capacity could not be taken: ${response.ok ? response.type : response.error.reason}`);
      for (const r of response.data.results) {
        if (r.outcome === "denied") refuse(r.requestId, `No capacity left: ${r.reason}`);
      }
    }
    const done = ctx.pending.filter((id) => !refused.has(id));
    if (done.length === 0) return { done };
    // Only those with capacity on record are confirmed; the rest need none.
    const confirm = await ctx.capacity.latestFor(done);
    const withHold = done.filter((id) => confirm.get(id)?.outcome === "held");
    if (withHold.length > 0) {
      const response = await ctx.allocation.process({ type: "confirm_allocation", recommendationIds: withHold, actor: ctx.reviewer.label });
      if (!response.ok) throw new Error(`Capacity could not be confirmed: ${response.error.reason}`);
    }
    return { done };
  },
};
