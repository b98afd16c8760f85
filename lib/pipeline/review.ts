// Review decisions on recommendations. Each call is one transaction under the capacity lock:
// the status change, the capacity it confirms, releases or moves, and the audit entries land together.
import type pg from "pg";
import { invalidateCustomerData } from "../agents/data/data-agent";
import { bindAllocationAgent } from "../agents/allocation/allocation-agent";
import { toStatus } from "../agents/allocation/capacity";
import type { AllocationRecord, AuditRecord, CapacityStore, ReviewUpdate } from "../agents/allocation/ports";
import type { TreatmentDefinition } from "../agents/domain";
import { isHighValueTier } from "../agents/rules/value-tier";
import { loadContactPolicy } from "./contact-policy";
import { type OverrideExclusion, type OverrideOption, customerFactsOf, loadCustomerJourney, overrideExclusions, overrideOptions } from "./customer-journey";
import { OTHER_REASON } from "../validations/review";
import { storedValuesOf } from "./pg-capacity-store";
import { type OverridePrice, priceOverride } from "./review/override-price";
import { reviewHandlerFor } from "./review/handlers";
import { seeingOwnWrites } from "./review/own-writes";
import type { LoadFacts, ReviewAction, ReviewContext, ReviewOutcome, Reviewer } from "./review/types";

export type { LoadFacts, ReviewAction, ReviewOutcome, Reviewer } from "./review/types";

/** The skip reason of an id that names no recommendation. */
export const NO_SUCH_RECOMMENDATION = "No such recommendation";

function statusWord(status: string): string {
  return status.replace("_", " ");
}

/**
 * Approves (confirming held capacity), rejects (releasing it) or overrides (moving it to another
 * allowed treatment) pending recommendations. Repeated or concurrent calls change each
 * recommendation once; capacity is never committed beyond a limit. An approval whose treatment
 * needs capacity but holds none takes it now or is skipped when none is left. An override takes
 * exactly one id and is refused with an AppError when the treatment is not allowed or has no room.
 */
export async function reviewRecommendations(opts: {
  store: CapacityStore;
  catalog: TreatmentDefinition[];
  recommendationIds: string[];
  action: ReviewAction;
  reviewer: Reviewer;
  /** Needed for overrides. */
  loadFacts?: LoadFacts;
  /** ISO time contacts are planned at (overrides); defaults to now. */
  now?: string;
}): Promise<ReviewOutcome> {
  const ids = [...new Set(opts.recommendationIds)];
  const { action } = opts;
  const handler = reviewHandlerFor(action.kind);
  handler.checkRequest?.(ids);
  const catalogByKey = new Map(opts.catalog.map((t) => [t.key, t]));
  // A refused override rolls its transaction back; the denied attempt is still history, written after.
  let deniedAttempt: AllocationRecord | null = null;
  const review = () => opts.store.transact<ReviewOutcome & { changedCustomers?: string[] }>(async (locked) => {
    const capacity = seeingOwnWrites(locked);
    const states = await capacity.loadRecommendations(ids);
    const skipped: ReviewOutcome["skipped"] = [];
    const pending: string[] = [];
    for (const id of ids) {
      const state = states.get(id);
      if (!state) skipped.push({ recommendationId: id, reason: NO_SUCH_RECOMMENDATION });
      else if (state.status !== "pending_review") skipped.push({ recommendationId: id, reason: `Already ${statusWord(state.status)}` });
      else pending.push(id);
    }
    if (pending.length === 0) return { value: { done: [], skipped } };

    const latest = await capacity.latestFor(pending);
    const ctx: ReviewContext<typeof action> = {
      action,
      pending,
      states,
      latest,
      capacity,
      allocation: bindAllocationAgent({ capacity, catalog: opts.catalog }),
      catalog: opts.catalog,
      catalogByKey,
      reviewer: opts.reviewer,
      loadFacts: opts.loadFacts,
      now: opts.now ?? capacity.now,
      claimOf: (id) => {
        const last = latest.get(id);
        return { priority: last?.priority ?? 0, isHighValue: last?.isHighValue ?? false };
      },
      skip: (recommendationId, reason) => skipped.push({ recommendationId, reason }),
      keepDeniedAttempt: (id) => {
        deniedAttempt = capacity.ownDenial(id) ?? null;
      },
    };
    if (handler.recheck) {
      await handler.recheck(ctx);
      const rechecked = new Set(skipped.map((s) => s.recommendationId));
      ctx.pending = pending.filter((id) => !rechecked.has(id));
      if (ctx.pending.length === 0) return { value: { done: [], skipped } };
    }
    const { done, newTreatment } = await handler.apply(ctx);

    const status = handler.status;
    const reason = "reason" in action ? action.reason : null;
    const reasonCode = "reason" in action ? (action.reasonCode ?? OTHER_REASON) : null;
    // The store writes the code beside the reason (lib/pipeline/pg-capacity-store.ts applyReviews).
    const reviews: (ReviewUpdate & { reasonCode: string | null })[] = done.map((recommendationId) => ({
      recommendationId,
      status,
      reviewedById: opts.reviewer.id,
      reason,
      reasonCode,
      ...(newTreatment ? { treatmentKey: newTreatment.key, overriddenFrom: states.get(recommendationId)!.treatmentKey ?? undefined } : {}),
    }));
    const audit: AuditRecord[] = done.map((id) => ({
      actorId: opts.reviewer.id,
      actorLabel: opts.reviewer.label,
      action: `recommendation.${action.kind}`,
      entityType: "Recommendation",
      entityId: id,
      before: { status: "pending_review", treatmentKey: states.get(id)!.treatmentKey },
      after: { status, treatmentKey: newTreatment?.key ?? states.get(id)!.treatmentKey, ...(reasonCode ? { reasonCode } : {}) },
      reason,
    }));
    const changedCustomers = done.map((id) => states.get(id)!.customerId);
    return { value: { done, skipped, changedCustomers }, writes: { reviews, audit } };
  });
  let result: ReviewOutcome & { changedCustomers?: string[] };
  try {
    result = await review();
  } catch (err) {
    const denied: AllocationRecord | null = deniedAttempt;
    if (denied) {
      try {
        await opts.store.transact(async (locked) => {
          locked.record(denied);
          return { value: null };
        });
      } catch (historyError) {
        // The refusal is what the reviewer needs to hear; the lost history row goes to the log.
        console.error("[review] a refused override's denied attempt could not be recorded", historyError);
      }
    }
    throw err;
  }
  // A reviewed decision is part of the customer's contact history: cached copies are stale now.
  const { changedCustomers = [], ...outcome } = result;
  for (const customerId of new Set(changedCustomers)) await invalidateCustomerData(customerId);
  return outcome;
}

export { describeReviewOutcome } from "./review/describe";

export type OverrideChoice = OverrideOption & {
  /** Units this customer could still take on the treatment's resource now; null when it needs none. */
  available: number | null;
  /** Today's price of its units and whether the gain pays it, as the override will check (a snapshot). */
  price: OverridePrice;
};

export type OverrideChoices = {
  recommendationId: string;
  customerId: string;
  currentKey: string | null;
  isPending: boolean;
  options: OverrideChoice[];
  /** Treatments that may not be chosen now, each with the rule that refuses it, for the dialog to show disabled. */
  excluded: OverrideExclusion[];
};

/**
 * The treatments a reviewer may switch a recommendation to, with the room left on each one's
 * resource (a snapshot: the override itself re-checks both under the lock). Null for an unknown id.
 */
export async function listOverrideChoices(opts: { pool: pg.Pool; store: CapacityStore; catalog: TreatmentDefinition[]; recommendationId: string; now?: string }): Promise<OverrideChoices | null> {
  const { rows } = await opts.pool.query<{ customerId: string; treatmentKey: string | null; status: string; expectedValue: number; alternatives: unknown; fates: unknown }>(
    `SELECT "customerId", "treatmentKey", status::text AS status, "expectedValue"::float8 AS "expectedValue", alternatives, fates FROM "Recommendation" WHERE id = $1`,
    [opts.recommendationId],
  );
  const rec = rows[0];
  if (!rec) return null;
  const base = { recommendationId: opts.recommendationId, customerId: rec.customerId, currentKey: rec.treatmentKey, isPending: rec.status === "pending_review" };
  const journey = await loadCustomerJourney(opts.pool, rec.customerId);
  if (!journey || !base.isPending) return { ...base, options: [], excluded: [] };
  const now = opts.now ?? new Date().toISOString();
  const facts = customerFactsOf(journey, now, { contactPolicy: await loadContactPolicy(opts.pool), catalog: opts.catalog });
  const options = overrideOptions({ facts, catalog: opts.catalog, currentKey: rec.treatmentKey });
  const excluded = overrideExclusions({ facts, catalog: opts.catalog, currentKey: rec.treatmentKey });
  const locked = await opts.store.readResources();
  const resources = new Map(locked.map((r) => [r.key, toStatus(r)]));
  const isHighValue = isHighValueTier(journey.analysis.metrics.valueTier);
  const prices = (await opts.store.readPrices?.()) ?? null;
  const values = storedValuesOf(rec);
  const resourceNames = Object.fromEntries(locked.map((r) => [r.key, r.name]));
  const byKey = new Map(opts.catalog.map((t) => [t.key, t]));
  return {
    ...base,
    excluded,
    options: options.map((o) => {
      const status = o.resourceKey ? resources.get(o.resourceKey) : undefined;
      const treatment = byKey.get(o.treatmentKey);
      const price = treatment
        ? priceOverride({ treatment, values, catalog: opts.catalog, prices, isHighValue, resourceNames })
        : { price: 0, gain: null, isAdmitted: true, refusal: null };
      return { ...o, available: status ? (isHighValue ? status.availableHighValue : status.availableGeneral) : null, price };
    }),
  };
}
