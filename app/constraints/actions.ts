"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { createPgCapacityStore } from "@/lib/pipeline/pg-capacity-store";
import {
  type ConstraintUpdateResult,
  type PeriodResetResult,
  resetConstraintPeriod,
  resetPeriodInputSchema,
  updateConstraint,
  updateConstraintInputSchema,
} from "@/lib/pipeline/constraints";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

const requireManager = async () => authorize(await getCurrentActor(), "constraints.manage");

/** Sets a resource's limit and high-value reserve; the same values again answer "No change". */
export async function updateConstraintAction(input: unknown): Promise<ActionResult<ConstraintUpdateResult>> {
  try {
    const actor = await requireManager();
    const parsed = parseActionInput(updateConstraintInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await updateConstraint({ store: createPgCapacityStore(getPool()), actor, input: parsed.data });
    if (result.isChanged) revalidatePath("/constraints");
    return { ok: true, data: result };
  } catch (err) {
    // A limit below what is committed is the limit field's problem: say so, so the form can mark it.
    if (err instanceof AppError && err.code === "conflict") return { ok: false, message: err.userMessage, fieldErrors: { limit: [err.userMessage] } };
    return failedAction(err, "updateConstraint");
  }
}

/** Starts a new period of one resource, once for the period the manager saw. */
export async function resetConstraintPeriodAction(input: unknown): Promise<ActionResult<PeriodResetResult>> {
  try {
    const actor = await requireManager();
    const parsed = parseActionInput(resetPeriodInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await resetConstraintPeriod({ store: createPgCapacityStore(getPool()), actor, input: parsed.data });
    revalidatePath("/constraints");
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "resetConstraintPeriod");
  }
}
