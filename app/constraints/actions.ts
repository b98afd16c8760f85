"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { createPgCapacityStore } from "@/lib/pipeline/pg-capacity-store";
import { z } from "zod";
import {
  type ConstraintUpdateResult,
  type LimitPreview,
  type PeriodResetResult,
  type ShedHoldsResult,
  previewLimitChange,
  resetConstraintPeriod,
  resetPeriodInputSchema,
  shedHolds,
  shedHoldsInputSchema,
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

const previewInputSchema = z.object({ resourceKey: z.string().trim().min(1).max(200), limit: z.number().int().min(0).max(10_000_000) }).strict();

/** The holds a lower limit would release, lowest value first; reads only. */
export async function previewLimitChangeAction(input: unknown): Promise<ActionResult<LimitPreview>> {
  try {
    await requireManager();
    const parsed = parseActionInput(previewInputSchema, input);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await previewLimitChange(getPool(), parsed.data) };
  } catch (err) {
    return failedAction(err, "previewLimitChange");
  }
}

/** Lowers a limit below what is held, releasing exactly the holds the preview showed. */
export async function shedHoldsAction(input: unknown): Promise<ActionResult<ShedHoldsResult>> {
  try {
    const actor = await requireManager();
    const parsed = parseActionInput(shedHoldsInputSchema, input);
    if (!parsed.ok) return parsed;
    const pool = getPool();
    const result = await shedHolds({ pool, store: createPgCapacityStore(pool), actor, input: parsed.data });
    revalidatePath("/constraints");
    revalidatePath("/review");
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "shedHolds");
  }
}
