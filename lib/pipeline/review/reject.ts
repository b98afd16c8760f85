import type { ReviewActionOf, ReviewHandler } from "./types";

/** Releases the capacity a rejected recommendation holds, with the reviewer's reason on the history. */
export const rejectHandler: ReviewHandler<ReviewActionOf<"reject">> = {
  status: "rejected",
  apply: async (ctx) => {
    const held = ctx.pending.filter((id) => ctx.latest.get(id)?.outcome === "held");
    if (held.length > 0) {
      const response = await ctx.allocation.process({ type: "release_allocation", recommendationIds: held, actor: ctx.reviewer.label, reason: ctx.action.reason });
      if (!response.ok) throw new Error(`Capacity could not be released: ${response.error.reason}`);
    }
    return { done: ctx.pending };
  },
};
