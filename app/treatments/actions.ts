"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { type TreatmentUpdateResult, updateTreatment, updateTreatmentInputSchema } from "@/lib/pipeline/catalog-edit";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

/** Edits one treatment of the catalog (managers and administrators); the next runs decide with it. */
export async function updateTreatmentAction(input: unknown): Promise<ActionResult<TreatmentUpdateResult>> {
  try {
    const actor = authorize(await getCurrentActor(), "catalog.manage");
    const parsed = parseActionInput(updateTreatmentInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await updateTreatment(getPool(), { actor, input: parsed.data });
    if (result.isChanged) {
      revalidatePath("/treatments");
      revalidatePath("/audit");
    }
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "updateTreatment");
  }
}
