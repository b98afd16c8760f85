"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import type { LpSolver } from "@/lib/agents/allocation/ports";
import { scenarioChangesSchema } from "@/lib/agents/scenario/scenario";
import { AppError } from "@/lib/errors";
import { createHighsSolver } from "@/lib/optimization/highs";
import { createPgCapacityStore } from "@/lib/pipeline/pg-capacity-store";
import {
  type AppliedLimits,
  type ScenarioResult,
  applyScenarioLimits,
  planScenarios,
  saveScenario,
  scenarioInputSchema,
  scenarioScopeSchema,
} from "@/lib/pipeline/scenario";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

const planInputSchema = z
  .object({
    scope: scenarioScopeSchema.default({}),
    /** The scenario being edited; absent when only saved ones are compared. */
    changes: scenarioChangesSchema.optional(),
    /** Saved scenarios to plan beside it (or each other): two at most, so one answer stays within seconds. */
    savedIds: z.array(z.uuid("Not a scenario id.")).max(2).default([]),
  })
  .strict()
  .refine((v) => (v.changes ? 1 : 0) + v.savedIds.length >= 1 && (v.changes ? 1 : 0) + v.savedIds.length <= 2, {
    path: ["savedIds"],
    message: "Plan one scenario, or compare two.",
  });

/**
 * Plans the current allocation and one or two scenarios over the same customers, deciding them in
 * memory: no decision is written and no capacity held. Marketers may plan; only managers save or apply.
 */
export async function planScenarioAction(input: unknown): Promise<ActionResult<ScenarioResult>> {
  try {
    authorize(await getCurrentActor(), "runs.start");
    const parsed = parseActionInput(planInputSchema, input);
    if (!parsed.ok) return parsed;
    const pool = getPool();
    const variants = parsed.data.changes ? [{ name: "This scenario", changes: parsed.data.changes }] : [];
    if (parsed.data.savedIds.length > 0) {
      const { rows } = await pool.query<{ id: string; name: string; changes: unknown }>(`SELECT id, name, changes FROM "Scenario" WHERE id = ANY($1::uuid[])`, [parsed.data.savedIds]);
      if (rows.length !== new Set(parsed.data.savedIds).size) throw new AppError({ code: "not_found", userMessage: "A chosen scenario does not exist any more." });
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of parsed.data.savedIds) variants.push({ name: byId.get(id)!.name, changes: scenarioChangesSchema.parse(byId.get(id)!.changes) });
    }
    const plan = (solver?: LpSolver) => planScenarios(pool, { scope: parsed.data.scope, variants, solver });
    try {
      return { ok: true, data: await plan(createHighsSolver()) };
    } catch (err) {
      if (err instanceof AppError) throw err;
      // Without the optimiser the plans are still right, only greedy and unpriced, and the screen says so.
      console.error("[action] planScenario: the optimiser failed; planning in priority order instead", err);
      return { ok: true, data: await plan() };
    }
  } catch (err) {
    return failedAction(err, "planScenario");
  }
}

/** Saves the scenario under its name (replacing one of that name); managers and administrators only. */
export async function saveScenarioAction(input: unknown): Promise<ActionResult<{ id: string; message: string }>> {
  try {
    const actor = authorize(await getCurrentActor(), "constraints.manage");
    const parsed = parseActionInput(scenarioInputSchema, input);
    if (!parsed.ok) return parsed;
    const saved = await saveScenario(getPool(), { actor, input: parsed.data });
    revalidatePath("/scenarios");
    return { ok: true, data: { id: saved.id, message: saved.message } };
  } catch (err) {
    return failedAction(err, "saveScenario");
  }
}

const applyInputSchema = z.object({ scenarioId: z.uuid("Not a scenario id.") }).strict();

/** Sets the limits and reserves a saved scenario names, in one audited change; managers and administrators only. */
export async function applyScenarioLimitsAction(input: unknown): Promise<ActionResult<AppliedLimits>> {
  try {
    const actor = authorize(await getCurrentActor(), "constraints.manage");
    const parsed = parseActionInput(applyInputSchema, input);
    if (!parsed.ok) return parsed;
    const pool = getPool();
    const applied = await applyScenarioLimits({ pool, store: createPgCapacityStore(pool), actor, scenarioId: parsed.data.scenarioId });
    if (applied.changed.length > 0) {
      revalidatePath("/scenarios");
      revalidatePath("/constraints");
    }
    return { ok: true, data: applied };
  } catch (err) {
    return failedAction(err, "applyScenarioLimits");
  }
}
