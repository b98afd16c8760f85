"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { type Actor, authorize } from "@/lib/auth/roles";
import { loadCatalog } from "@/lib/pipeline/catalog";
import { customerFactsOf, loadCustomerJourney } from "@/lib/pipeline/customer-journey";
import { createPgCapacityStore } from "@/lib/pipeline/pg-capacity-store";
import { AppError } from "@/lib/errors";
import { NO_SUCH_RECOMMENDATION, type OverrideChoices, type ReviewAction, describeReviewOutcome, listOverrideChoices, reviewRecommendations } from "@/lib/pipeline/review";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";
import { approveInputSchema, overrideInputSchema, overrideOptionsInputSchema, rejectInputSchema } from "@/lib/validations/review";

export type ReviewActionResult = {
  /** Ids whose status changed. */
  done: string[];
  skipped: { recommendationId: string; reason: string }[];
  /** "Approved 18; 2 skipped: already approved". */
  message: string;
};

const reviewer = async (): Promise<Actor> => authorize(await getCurrentActor(), "recommendations.review");

async function review(ids: string[], action: ReviewAction, actor: Actor): Promise<ReviewActionResult> {
  const pool = getPool();
  const outcome = await reviewRecommendations({
    store: createPgCapacityStore(pool),
    catalog: await loadCatalog(pool),
    recommendationIds: ids,
    action,
    reviewer: { id: actor.id, label: actor.label },
    loadFacts: async (customerId) => {
      const journey = await loadCustomerJourney(pool, customerId);
      return journey ? customerFactsOf(journey, new Date().toISOString()) : null;
    },
  });
  if (outcome.done.length === 0 && outcome.skipped.length > 0 && outcome.skipped.every((s) => s.reason === NO_SUCH_RECOMMENDATION)) {
    throw new AppError({ code: "not_found", userMessage: ids.length === 1 ? "This recommendation does not exist." : "None of these recommendations exists." });
  }
  revalidatePath("/review");
  revalidatePath("/constraints");
  revalidatePath("/customers/[id]", "page");
  return { ...outcome, message: describeReviewOutcome(action.kind, outcome) };
}

/** Approves pending recommendations, confirming the capacity each one holds. */
export async function approveRecommendationsAction(input: unknown): Promise<ActionResult<ReviewActionResult>> {
  try {
    const actor = await reviewer();
    const parsed = parseActionInput(approveInputSchema, input);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await review(parsed.data.ids, { kind: "approve" }, actor) };
  } catch (err) {
    return failedAction(err, "approveRecommendations");
  }
}

/** Rejects pending recommendations with one reason, giving back the capacity they hold. */
export async function rejectRecommendationsAction(input: unknown): Promise<ActionResult<ReviewActionResult>> {
  try {
    const actor = await reviewer();
    const parsed = parseActionInput(rejectInputSchema, input);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await review(parsed.data.ids, { kind: "reject", reason: parsed.data.reason }, actor) };
  } catch (err) {
    return failedAction(err, "rejectRecommendations");
  }
}

/** Replaces a pending recommendation's treatment with another allowed one, moving its capacity. */
export async function overrideRecommendationAction(input: unknown): Promise<ActionResult<ReviewActionResult>> {
  try {
    const actor = await reviewer();
    const parsed = parseActionInput(overrideInputSchema, input);
    if (!parsed.ok) return parsed;
    const { id, treatmentKey, reason } = parsed.data;
    return { ok: true, data: await review([id], { kind: "override", treatmentKey, reason }, actor) };
  } catch (err) {
    return failedAction(err, "overrideRecommendation");
  }
}

/** The treatments a pending recommendation may be switched to (read only). */
export async function listOverrideChoicesAction(input: unknown): Promise<ActionResult<OverrideChoices>> {
  try {
    await reviewer();
    const parsed = parseActionInput(overrideOptionsInputSchema, input);
    if (!parsed.ok) return parsed;
    const pool = getPool();
    const choices = await listOverrideChoices({ pool, store: createPgCapacityStore(pool), catalog: await loadCatalog(pool), recommendationId: parsed.data.id });
    if (!choices) return { ok: false, message: "This recommendation no longer exists." };
    return { ok: true, data: choices };
  } catch (err) {
    return failedAction(err, "listOverrideChoices");
  }
}
