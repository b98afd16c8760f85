"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { type Actor, authorize, can } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { type ReviewReason, createReviewReason, updateReviewReason } from "@/lib/pipeline/review/reasons";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";
import { reasonCodeInputSchema, reasonCodeToggleSchema } from "@/lib/validations/review";

// Reason codes steer what reviewers can say and what the history counts: the managers' call, like the catalog.
async function manager(): Promise<Actor> {
  const actor = authorize(await getCurrentActor());
  if (!can(actor.role, "catalog.manage")) throw new AppError({ code: "forbidden", userMessage: "Only managers and administrators may change the reason codes." });
  return actor;
}

/** Adds a reject or override reason at the end of its list. */
export async function createReviewReasonAction(input: unknown): Promise<ActionResult<ReviewReason>> {
  try {
    const actor = await manager();
    const parsed = parseActionInput(reasonCodeInputSchema, input);
    if (!parsed.ok) return parsed;
    const created = await createReviewReason(getPool(), { actor, ...parsed.data });
    revalidatePath("/review/reasons");
    revalidatePath("/review");
    return { ok: true, data: created };
  } catch (err) {
    return failedAction(err, "createReviewReason");
  }
}

/** Retires a reason (no longer offered; past reviews keep it) or brings it back. */
export async function setReviewReasonActiveAction(input: unknown): Promise<ActionResult<ReviewReason>> {
  try {
    const actor = await manager();
    const parsed = parseActionInput(reasonCodeToggleSchema, input);
    if (!parsed.ok) return parsed;
    const updated = await updateReviewReason(getPool(), { actor, id: parsed.data.id, isActive: parsed.data.isActive });
    revalidatePath("/review/reasons");
    revalidatePath("/review");
    return { ok: true, data: updated };
  } catch (err) {
    return failedAction(err, "setReviewReasonActive");
  }
}
