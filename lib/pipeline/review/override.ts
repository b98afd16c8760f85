import type { TreatmentDefinition } from "../../agents/domain";
import { AppError } from "../../errors";
import { overrideOptions } from "../customer-journey";
import { priceOverride } from "./override-price";
import { recheckOverride } from "./recheck";
import type { LoadFacts, ReviewActionOf, ReviewContext, ReviewHandler } from "./types";

/**
 * Moves one recommendation to another allowed treatment: its old hold is released and the new
 * treatment's capacity taken and confirmed. Refused with an AppError when the treatment is not
 * allowed, has no room, or takes a priced unit its gain does not pay for (checkPrice); the refusal
 * rolls back, so the old hold stays where it was.
 */
export const overrideHandler: ReviewHandler<ReviewActionOf<"override">> = {
  status: "overridden",
  recheck: recheckOverride,
  checkRequest: (ids) => {
    if (ids.length !== 1) throw new AppError({ code: "invalid_input", userMessage: "Override one recommendation at a time." });
  },
  apply: async (ctx) => {
    const { action } = ctx;
    const id = ctx.pending[0];
    if (id === undefined) return { done: [] };
    const state = ctx.states.get(id)!;
    const newTreatment = await checkOverride({ action, state, catalog: ctx.catalog, loadFacts: ctx.loadFacts, now: ctx.now });
    await checkPrice(ctx, { customerId: state.customerId, treatment: newTreatment, isHighValue: ctx.claimOf(id).isHighValue });
    if (ctx.latest.get(id)?.outcome === "held") {
      const released = await ctx.allocation.process({ type: "release_allocation", recommendationIds: [id], actor: ctx.reviewer.label, reason: `Overridden with ${newTreatment.name}: ${action.reason}` });
      if (!released.ok) throw new Error(`Capacity could not be released: ${released.error.reason}`);
    }
    if (newTreatment.resourceKey) {
      const held = await ctx.allocation.process({
        type: "allocate_resource",
        requests: [{ requestId: id, customerId: state.customerId, treatmentKey: newTreatment.key, units: newTreatment.unitsPerContact, ...ctx.claimOf(id), runId: state.runId, recommendationId: id }],
      });
      if (!held.ok || held.type !== "allocate_resource") throw new Error(`Capacity could not be taken: ${held.ok ? held.type : held.error.reason}`);
      const result = held.data.results[0]!;
      if (result.outcome === "denied") {
        ctx.keepDeniedAttempt(id);
        throw new AppError({ code: "capacity_exhausted", userMessage: `Not overridden: ${newTreatment.name} has no room left (${result.reason}). The recommendation keeps its treatment and capacity.` });
      }
      const confirmed = await ctx.allocation.process({ type: "confirm_allocation", recommendationIds: [id], actor: ctx.reviewer.label });
      if (!confirmed.ok) throw new Error(`Capacity could not be confirmed: ${confirmed.error.reason}`);
    }
    return { done: [id], newTreatment };
  },
};

/** The treatment an override may switch to, re-checked against the customer's facts now; throws a refusal otherwise. */
async function checkOverride(opts: {
  action: { treatmentKey: string };
  state: { customerId: string; treatmentKey: string | null };
  catalog: TreatmentDefinition[];
  loadFacts: LoadFacts | undefined;
  now: string;
}): Promise<TreatmentDefinition> {
  const { action, state } = opts;
  if (!opts.loadFacts) throw new Error("reviewRecommendations needs loadFacts for an override");
  if (action.treatmentKey === state.treatmentKey) {
    throw new AppError({ code: "invalid_input", userMessage: "Choose a treatment other than the recommended one; to keep it, approve." });
  }
  const treatment = opts.catalog.find((t) => t.key === action.treatmentKey);
  if (!treatment) throw new AppError({ code: "invalid_input", userMessage: `Treatment "${action.treatmentKey}" is not an active treatment.` });
  const facts = await opts.loadFacts(state.customerId);
  if (!facts) throw new AppError({ code: "not_found", userMessage: `Customer ${state.customerId} no longer exists.` });
  const allowed = overrideOptions({ facts: { ...facts, now: opts.now }, catalog: opts.catalog, currentKey: state.treatmentKey });
  if (!allowed.some((o) => o.treatmentKey === treatment.key)) {
    throw new AppError({ code: "invalid_input", userMessage: `${treatment.name} is not allowed for this customer (not eligible, not permitted on its channel, or no action). Choose one of the offered treatments.` });
  }
  return treatment;
}

/**
 * Bid-price control for an override, for managers as for marketers (priceOverride): a treatment
 * taking a unit the last batch run priced above 0 is refused unless the customer's gain from it
 * beats the price, with the values the pending recommendation estimated. Nothing priced: no check.
 */
async function checkPrice(ctx: ReviewContext<ReviewActionOf<"override">>, opts: { customerId: string; treatment: TreatmentDefinition; isHighValue: boolean }): Promise<void> {
  if (!opts.treatment.resourceKey || !ctx.capacity.readReviewFacts) return;
  const facts = await ctx.capacity.readReviewFacts([opts.customerId]);
  if (!facts.prices) return;
  const verdict = priceOverride({
    treatment: opts.treatment,
    values: facts.pendingValues?.get(opts.customerId) ?? {},
    catalog: ctx.catalog,
    prices: facts.prices,
    isHighValue: opts.isHighValue,
    resourceNames: Object.fromEntries([...ctx.capacity.resources.values()].map((r) => [r.key, r.name])),
  });
  if (verdict.isAdmitted) return;
  const advice = "The price is what the last batch run found this capacity worth and holds for managers too: choose another treatment, or a manager may raise the limit.";
  throw new AppError({ code: "capacity_exhausted", userMessage: `Not overridden: ${verdict.refusal}. ${advice} The recommendation keeps its treatment and capacity.` });
}
