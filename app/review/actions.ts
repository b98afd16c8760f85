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
import { resolveReviewReason } from "@/lib/pipeline/review/reasons";
import { undoReviews } from "@/lib/pipeline/review/undo";
import { getEnv } from "@/lib/env";
import { db } from "@/lib/db";
import { type MatchingSelection, selectMatchingReviews } from "@/lib/queries/recommendations";
import {
  MAX_MATCHING_SELECTION,
  approveInputSchema,
  matchingSelectionInputSchema,
  overrideInputSchema,
  overrideOptionsInputSchema,
  rejectInputSchema,
  undoInputSchema,
} from "@/lib/validations/review";

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

/**
 * Every pending recommendation the filter keeps now, with the totals an approval of them would
 * confirm. The ids are the selection: the bulk action sends them back in batches, so a run that
 * finishes in between adds nothing to what was confirmed.
 */
export async function selectMatchingReviewsAction(input: unknown): Promise<ActionResult<MatchingSelection>> {
  try {
    await reviewer();
    const parsed = parseActionInput(matchingSelectionInputSchema, input);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await selectMatchingReviews(db, parsed.data.filter, { max: MAX_MATCHING_SELECTION }) };
  } catch (err) {
    return failedAction(err, "selectMatchingReviews");
  }
}

export type UndoActionResult = { undone: string[]; refused: { recommendationId: string; reason: string }[]; message: string };

/** "Undid 12" or "Undid 10; 2 not undone: too late to undo …". */
function describeUndo(outcome: { undone: string[]; refused: { reason: string }[] }): string {
  const done = `Undid ${outcome.undone.length}`;
  if (outcome.refused.length === 0) return done;
  const reasons = [...new Set(outcome.refused.map((r) => r.reason))];
  return `${done}; ${outcome.refused.length} not undone: ${reasons.map((r) => r.charAt(0).toLowerCase() + r.slice(1)).join(", ")}`;
}

/** Returns reviews to pending within the undo window: the reviewer's own, or anyone's for a manager. */
export async function undoReviewsAction(input: unknown): Promise<ActionResult<UndoActionResult>> {
  try {
    const actor = await reviewer();
    const parsed = parseActionInput(undoInputSchema, input);
    if (!parsed.ok) return parsed;
    const outcome = await undoReviews({
      pool: getPool(),
      recommendationIds: parsed.data.ids,
      actor: { id: actor.id, label: actor.label, isManager: actor.role === "manager" || actor.role === "admin" },
      windowMinutes: getEnv().REVIEW_UNDO_MINUTES,
    });
    revalidatePath("/review");
    revalidatePath("/review/history");
    revalidatePath("/constraints");
    revalidatePath("/customers/[id]", "page");
    return { ok: true, data: { ...outcome, message: describeUndo(outcome) } };
  } catch (err) {
    return failedAction(err, "undoReviews");
  }
}

/** Rejects pending recommendations with one reason, giving back the capacity they hold. */
export async function rejectRecommendationsAction(input: unknown): Promise<ActionResult<ReviewActionResult>> {
  try {
    const actor = await reviewer();
    const parsed = parseActionInput(rejectInputSchema, input);
    if (!parsed.ok) return parsed;
    const reason = await resolveReviewReason(getPool(), { kind: "reject", ...parsed.data });
    return { ok: true, data: await review(parsed.data.ids, { kind: "reject", ...reason }, actor) };
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
    const { id, treatmentKey } = parsed.data;
    const reason = await resolveReviewReason(getPool(), { kind: "override", ...parsed.data });
    return { ok: true, data: await review([id], { kind: "override", treatmentKey, ...reason }, actor) };
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
