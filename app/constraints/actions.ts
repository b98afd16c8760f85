"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, refusedInput } from "@/lib/action-result";
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
import { type Actor, getCurrentActor } from "@/lib/session/actor";

const MANAGING_ROLES: ReadonlySet<Actor["role"]> = new Set(["manager", "admin"]);

async function requireManager(): Promise<Actor> {
  const actor = await getCurrentActor();
  if (!MANAGING_ROLES.has(actor.role)) {
    throw new AppError({ code: "forbidden", userMessage: "Only capacity managers may change limits or reset a period." });
  }
  return actor;
}

/** Sets a resource's limit and high-value reserve; the same values again answer "No change". */
export async function updateConstraintAction(input: unknown): Promise<ActionResult<ConstraintUpdateResult>> {
  try {
    const actor = await requireManager();
    const parsed = updateConstraintInputSchema.safeParse(input);
    if (!parsed.success) return refusedInput(parsed.error);
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
    const parsed = resetPeriodInputSchema.safeParse(input);
    if (!parsed.success) return refusedInput(parsed.error);
    const result = await resetConstraintPeriod({ store: createPgCapacityStore(getPool()), actor, input: parsed.data });
    revalidatePath("/constraints");
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "resetConstraintPeriod");
  }
}
